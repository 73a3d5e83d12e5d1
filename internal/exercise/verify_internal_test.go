package exercise

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const patchOf = `diff --git a/a.txt b/a.txt
--- a/a.txt
+++ b/a.txt
@@ -1,2 +1,2 @@
 one
-%s
+changed
`

func TestApplyPatch(t *testing.T) {
	for _, tt := range []struct {
		name, line string
		wantErr    bool
	}{
		{"applies to the tree it was written for", "two", false},
		{"refuses a tree that changed under it", "three", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tree := filepath.Join(dir, "tree")
			os.MkdirAll(tree, 0o755)
			os.WriteFile(filepath.Join(tree, "a.txt"), []byte("one\ntwo\n"), 0o644)
			patch := filepath.Join(dir, "x.patch")
			os.WriteFile(patch, []byte(strings.Replace(patchOf, "%s", tt.line, 1)), 0o644)
			err := applyPatch(context.Background(), tree, patch)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "no longer applies") {
					t.Errorf("got %v, want an error that says the patch no longer applies", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(filepath.Join(tree, "a.txt")); string(b) != "one\nchanged\n" {
				t.Errorf("a.txt = %q after the patch, want one, changed", b)
			}
		})
	}
}

func TestSolutions_fitTheTable(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, SolutionsDir)
	os.MkdirAll(dir, 0o755)
	for _, name := range []string{"1.patch", "4.patch", "6.patch", "notes.patch"} {
		os.WriteFile(filepath.Join(dir, name), nil, 0o644)
	}
	_, err := Solutions(root)
	if err == nil {
		t.Fatal("got no error, want the missing and misplaced solutions named")
	}
	for _, want := range []string{
		"6.patch: exercise 6 has no check",
		"notes.patch: name a solution",
		"exercise 2 has 0 reference solutions",
		"exercise 4 has 1 reference solutions in exercises/solutions, want 2",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}
