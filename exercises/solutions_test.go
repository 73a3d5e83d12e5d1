//go:build exercise

package exercises

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

// TestSolutions proves every check both ways, as CI runs it (make
// exercises-verify): on the tree as it is, each check fails at a step; on
// a copy of the tree with a reference solution applied, its check passes.
// Each is a go test of its own, two at a time, on this test's emulator
// (DATASTORE_EMULATOR_HOST). The copies take turns in two folders, since
// the build cache knows a package by its folder too.
func TestSolutions(t *testing.T) {
	dstest.First(t)
	slots := make(chan struct{}, 2) // go tests at a time
	copies := make(chan string, 2)  // folders the copies take turns in
	copies <- filepath.Join(t.TempDir(), "tree")
	copies <- filepath.Join(t.TempDir(), "tree")
	check := func(t *testing.T, n int, patch string) {
		t.Parallel()
		slots <- struct{}{}
		defer func() { <-slots }()
		root := ".."
		if patch != "" {
			dir := <-copies
			defer func() { copies <- dir }()
			copyTree(t, "..", dir)
			// Outside any repository (the ceiling), git apply works as patch(1).
			apply := exec.Command("git", "apply", filepath.Join("exercises", "solutions", patch))
			apply.Dir, apply.Env = dir, append(os.Environ(), "GIT_CEILING_DIRECTORIES="+filepath.Dir(dir))
			if out, err := apply.CombinedOutput(); err != nil {
				t.Fatalf("%s no longer applies to the tree (git apply: %s): write it again as README's Development notes say", patch, out)
			}
			root = dir
		}
		cmd := exec.Command("go", "test", "-C", filepath.Join(root, "exercises"), "-tags", "exercise", "-v", "-run", fmt.Sprintf("^TestExercise%d$", n))
		out, err := cmd.CombinedOutput()
		miss := regexp.MustCompile(`✗ .*`).Find(out)
		switch {
		case patch != "" && err != nil:
			t.Errorf("exercise %d's check fails with %s applied:\n%s", n, patch, out)
		case patch != "":
			t.Logf("%2d  ✓ its check passes with %s", n, patch)
		case err == nil:
			t.Errorf("exercise %d: its check passes on the tree as it is, so it proves nothing", n)
		case miss == nil:
			t.Errorf("exercise %d: its check did not run:\n%s", n, out)
		default:
			t.Logf("%2d  %s", n, miss)
		}
	}
	for _, ex := range exercises {
		if ex.notChecked == "" {
			t.Run(fmt.Sprintf("%d on the tree as it is", ex.n), func(t *testing.T) { check(t, ex.n, "") })
		}
	}
	for _, s := range solutions(t) {
		t.Run(s.name, func(t *testing.T) { check(t, s.n, s.name) })
	}
}

// copyTree copies the files git knows in root (tracked, and untracked but
// not ignored: a clean checkout plus the work in progress) to dir, a
// folder of t.TempDir's, in place of what dir held.
func copyTree(t *testing.T, root, dir string) {
	if !strings.HasPrefix(dir, os.TempDir()) {
		t.Fatalf("copyTree: %s is not a temporary folder, and it would empty it", dir)
	}
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(dir)
	for _, rel := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the working tree
		}
		os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, rel), b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
