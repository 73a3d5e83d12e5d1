package exercise_test

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/internal/exercise"
)

// root is the repository, whose lesson, guide and solutions the table must
// agree with.
const root = "../.."

// lessonExercises returns §9 of the lesson, exercise by exercise: the bold
// title and the text up to the next exercise.
func lessonExercises(t *testing.T) map[int][2]string {
	t.Helper()
	b, err := os.ReadFile(root + "/docs/lesson.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n## 9. Exercises\n")
	if !ok {
		t.Fatal("docs/lesson.md has no section \"## 9. Exercises\"")
	}
	item := regexp.MustCompile(`(?m)^(\d+)\. \*\*(.+?)\.\*\*`)
	locs := item.FindAllStringSubmatchIndex(sec, -1)
	out := map[int][2]string{}
	for i, l := range locs {
		n, _ := strconv.Atoi(sec[l[2]:l[3]])
		end := len(sec)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		out[n] = [2]string{sec[l[4]:l[5]], sec[l[0]:end]}
	}
	return out
}

func TestExercises_matchTheLesson(t *testing.T) {
	lesson := lessonExercises(t)
	if len(lesson) != len(exercise.Exercises) {
		t.Errorf("the lesson's §9 has %d exercises, the table %d", len(lesson), len(exercise.Exercises))
	}
	for _, ex := range exercise.Exercises {
		got, ok := lesson[ex.N]
		if !ok {
			t.Errorf("exercise %d: not in the lesson's §9", ex.N)
			continue
		}
		if got[0] != ex.Title {
			t.Errorf("exercise %d: the lesson calls it %q, the table %q", ex.N, got[0], ex.Title)
		}
		mention := "make exercise N=" + strconv.Itoa(ex.N)
		if ex.Kind == exercise.Checked && !strings.Contains(got[1], mention) {
			t.Errorf("exercise %d: the lesson does not tell the student about `%s`", ex.N, mention)
		}
		if ex.Kind == exercise.Checked && len(ex.Steps) == 0 {
			t.Errorf("exercise %d: checked, with no steps", ex.N)
		}
	}
}

// The guide answers every exercise's question, one heading each.
func TestExercises_answeredInTheTeachingGuide(t *testing.T) {
	b, err := os.ReadFile(root + "/docs/teaching.md")
	if err != nil {
		t.Fatal(err)
	}
	guide := string(b)
	_, answers, ok := strings.Cut(guide, "\n## Answers (instructors only)\n")
	if !ok {
		t.Fatal("docs/teaching.md has no \"## Answers (instructors only)\" section")
	}
	for _, ex := range exercise.Exercises {
		if !strings.Contains(answers, "\n### "+strconv.Itoa(ex.N)+". ") {
			t.Errorf("docs/teaching.md: no answer headed \"### %d. …\"", ex.N)
		}
	}
}

// Every solution applies to the tree as it is: a cheap early warning of
// what make exercises-verify proves in full (it also builds and checks).
func TestSolutions_applyToTheTree(t *testing.T) {
	sols, err := exercise.Solutions(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sols {
		out, err := exec.Command("git", "-C", root, "apply", "--check", strings.TrimPrefix(s.Path, root+"/")).CombinedOutput()
		if err != nil {
			t.Errorf("%s no longer applies (%v): a change touched the lines it changes or their context; "+
				"apply it to the commit it was made on, rebase that onto this tree, and write it again with git diff "+
				"(README, Development notes)\n%s", s.Name, err, out)
		}
	}
}
