//go:build exercise

package exercises

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

// TestSolutions proves every check both ways, as CI runs it (make
// exercises-verify): on the tree as it is, each check fails at a step; on
// a copy of the tree with a reference solution applied, its check passes.
// Each tree is a go test of its own, two at a time, on this test's
// emulator (DATASTORE_EMULATOR_HOST).
func TestSolutions(t *testing.T) {
	dstest.First(t)
	slots := make(chan struct{}, 2)
	goTest := func(root string, args ...string) ([]byte, error) {
		slots <- struct{}{}
		defer func() { <-slots }()
		// With -trimpath, what a solution leaves alone comes from the build
		// cache whatever folder its copy is in; vet and debug information,
		// which nobody reads here, took a third of the time (36 s → 24 s).
		args = append([]string{"test", "-C", filepath.Join(root, "exercises"), "-tags", "exercise", "-trimpath", "-vet=off", "-ldflags=-s -w"}, args...)
		return exec.Command("go", args...).CombinedOutput()
	}
	t.Run("the tree as it is", func(t *testing.T) {
		t.Parallel()
		out, _ := goTest("..", "-json", "-run", "^TestExercise[0-9]+$")
		result, miss := map[string]string{}, map[string]string{}
		for _, line := range strings.Split(string(out), "\n") {
			var ev struct{ Action, Test, Output string }
			json.Unmarshal([]byte(line), &ev)
			if ev.Action == "pass" || ev.Action == "fail" {
				result[ev.Test] = ev.Action
			}
			if m := strings.TrimSpace(ev.Output); strings.HasPrefix(m, "✗") && miss[ev.Test] == "" {
				miss[ev.Test] = m
			}
		}
		for _, ex := range exercises {
			switch name := fmt.Sprintf("TestExercise%d", ex.n); {
			case ex.notChecked != "":
			case result[name] == "pass":
				t.Errorf("exercise %d: its check passes on the tree as it is, so it proves nothing", ex.n)
			case miss[name] == "":
				t.Errorf("exercise %d: its check did not run:\n%s", ex.n, out)
			default:
				t.Logf("%2d  %s", ex.n, miss[name])
			}
		}
	})
	for _, s := range solutions(t) {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			copyTree(t, "..", dir)
			// Outside any repository (the ceiling), git apply works as patch(1).
			apply := exec.Command("git", "apply", filepath.Join("exercises", "solutions", s.name))
			apply.Dir, apply.Env = dir, append(os.Environ(), "GIT_CEILING_DIRECTORIES="+filepath.Dir(dir))
			if out, err := apply.CombinedOutput(); err != nil {
				t.Fatalf("%s no longer applies to the tree (git apply: %s): write it again as README's Development notes say", s.name, out)
			}
			if out, err := goTest(dir, "-v", "-run", fmt.Sprintf("^TestExercise%d$", s.n)); err != nil {
				t.Fatalf("exercise %d's check fails with %s applied:\n%s", s.n, s.name, out)
			}
			t.Logf("%2d  ✓ its check passes with %s", s.n, s.name)
		})
	}
}

// copyTree copies the files git knows in root (tracked, and untracked but
// not ignored: a clean checkout plus the work in progress) to the empty
// folder dir.
func copyTree(t *testing.T, root, dir string) {
	out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatal(err)
	}
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
