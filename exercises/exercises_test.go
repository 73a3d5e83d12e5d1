// Package exercises checks the lesson's exercises (docs/lesson.md §9): a Go
// test per exercise, behind the build tag exercise (make exercise, make
// exercises-verify). Each serves the app of this working tree in-process
// against the Datastore emulator and drives it as a browser does: ✓ for a
// step that holds, ✗ and a sentence that says what to look at for the first
// that does not. A check looks at behaviour, not at one spelling of it; it
// cannot prove a solution right. This file, untagged, runs with make test.
package exercises

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const question = "a question: answer it in words; nothing to check"

// exercises is §9 of the lesson: each title as the lesson writes it, how
// many ways to solve it the lesson names (a reference solution each), and,
// for an exercise without a check, why.
var exercises = []struct {
	n          int
	title      string
	ways       int
	notChecked string
}{
	{1, "Reset the count", 1, ""},
	{2, "Remember the visitor's name", 1, ""},
	{3, "Count the games won", 1, ""},
	{4, "Count per page", 2, ""},  // a key per page, or a map
	{5, "A flash message", 2, ""}, // in the session, or in the redirect
	{6, "Watch a session expire", 0, question},
	{7, "Sign in, with a new id", 1, ""},
	{8, "Why the hint cannot leak the secret", 0, question},
	{9, "Break it on purpose", 0, "not checked: a race has no deterministic check: how many clicks are lost changes from run to run"},
	{10, "The secret in a cookie", 0, question},
}

// The table agrees with the lesson's §9, which tells the student of each
// check, and docs/teaching.md answers every exercise.
func TestExercises_matchTheLesson(t *testing.T) {
	lesson, _ := os.ReadFile("../docs/lesson.md")
	guide, _ := os.ReadFile("../docs/teaching.md")
	_, sec, _ := strings.Cut(string(lesson), "\n## 9. Exercises\n")
	_, answers, _ := strings.Cut(string(guide), "\n## Answers (instructors only)\n")
	items := regexp.MustCompile(`(?m)^\d+\. \*\*`).Split(sec, -1)[1:] // each exercise's text
	if len(items) != len(exercises) {
		t.Fatalf("docs/lesson.md's §9 has %d exercises, the table %d", len(items), len(exercises))
	}
	for i, ex := range exercises {
		if !strings.HasPrefix(items[i], ex.title+".**") {
			t.Errorf("docs/lesson.md: exercise %d is not %q: %.40q…", ex.n, ex.title, items[i])
		}
		if mention := fmt.Sprintf("make exercise N=%d", ex.n); ex.notChecked == "" && !strings.Contains(items[i], mention) {
			t.Errorf("docs/lesson.md: exercise %d does not tell the student about `%s`", ex.n, mention)
		}
		if !strings.Contains(answers, fmt.Sprintf("\n### %d. ", ex.n)) {
			t.Errorf("docs/teaching.md: no answer headed \"### %d. …\" under \"## Answers (instructors only)\"", ex.n)
		}
	}
}

// solution is a reference solution: N.patch, or N-way.patch for another way.
type solution struct {
	n    int
	name string
}

// solutions returns the reference solutions, and fails tb unless each
// names a checked exercise and each checked exercise has one per way.
func solutions(tb testing.TB) []solution {
	tb.Helper()
	paths, _ := filepath.Glob("solutions/*.patch")
	var sols []solution
	per := map[int]int{}
	for _, p := range paths {
		m := regexp.MustCompile(`^(\d+)(-[a-z0-9-]+)?\.patch$`).FindStringSubmatch(filepath.Base(p))
		if m == nil {
			tb.Errorf("%s: name a solution N.patch or N-way.patch", p)
			continue
		}
		n, _ := strconv.Atoi(m[1])
		sols = append(sols, solution{n, filepath.Base(p)})
		per[n]++
	}
	for _, ex := range exercises {
		if per[ex.n] != ex.ways {
			tb.Errorf("exercise %d has %d reference solutions in exercises/solutions, want %d (one per way the lesson names, none for an exercise without a check)", ex.n, per[ex.n], ex.ways)
		}
	}
	return sols
}

// Every solution applies to the tree as it is: a cheap early warning of
// what make exercises-verify proves in full. (Run from exercises/, git
// apply would skip the paths outside it.)
func TestSolutions_applyToTheTree(t *testing.T) {
	for _, s := range solutions(t) {
		if out, err := exec.Command("git", "-C", "..", "apply", "--check", "exercises/solutions/"+s.name).CombinedOutput(); err != nil {
			t.Errorf("%s no longer applies (%v): a change touched the lines it changes or their context; "+
				"write it again as README's Development notes say\n%s", s.name, err, out)
		}
	}
}
