package exercise

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Run is one check of one exercise against a running app: what its steps
// share.
type Run struct {
	// Root is the working tree the app was built from, for the steps that
	// read the code.
	Root string

	ctx      context.Context
	app      *App
	visitors map[string]*Visitor
	// found holds what a step discovered for the steps after it (the name
	// form's address, the session key of the games won).
	found map[string]any
}

// Miss is a failed step: a sentence that says what went wrong and what to
// look at, and what to show below it (the app's log, say).
type Miss struct {
	Sentence string
	Detail   string
}

func (m *Miss) Error() string { return m.Sentence }

func missf(format string, args ...any) *Miss {
	return &Miss{Sentence: fmt.Sprintf(format, args...)}
}

// State is what became of a step.
type State int

const (
	NotRun State = iota // an earlier step failed
	Passed
	Failed
)

// StepResult is one step's outcome.
type StepResult struct {
	What  string
	State State
	Miss  *Miss // when Failed
}

// Result is one exercise's check.
type Result struct {
	Exercise Exercise
	Steps    []StepResult
}

// Passed reports whether every step passed.
func (r Result) Passed() bool {
	for _, s := range r.Steps {
		if s.State != Passed {
			return false
		}
	}
	return len(r.Steps) > 0
}

// FirstMiss returns the first failed step's miss, or nil.
func (r Result) FirstMiss() *Miss {
	for _, s := range r.Steps {
		if s.State == Failed {
			return s.Miss
		}
	}
	return nil
}

// Check runs ex's steps against app, which was built from root, and writes
// each step's line to out as it goes (out may be io.Discard). It stops at
// the first step that fails: the later ones would only repeat it.
func Check(ctx context.Context, ex Exercise, app *App, root string, out io.Writer) Result {
	run := &Run{Root: root, ctx: ctx, app: app, visitors: map[string]*Visitor{}, found: map[string]any{}}
	res := Result{Exercise: ex}
	failed := false
	for _, st := range ex.Steps {
		sr := StepResult{What: st.What}
		switch {
		case failed:
		case ctx.Err() != nil:
			sr.State, sr.Miss, failed = Failed, missf("stopped: %v", ctx.Err()), true
		default:
			if err := st.Do(run); err != nil {
				var m *Miss
				if !errors.As(err, &m) {
					m = &Miss{Sentence: err.Error()}
				}
				sr.State, sr.Miss, failed = Failed, m, true
			} else {
				sr.State = Passed
			}
		}
		printStep(out, sr)
		res.Steps = append(res.Steps, sr)
	}
	return res
}

// The marks of a step's line.
const (
	markPass = "✓"
	markFail = "✗"
)

func printStep(out io.Writer, sr StepResult) {
	switch sr.State {
	case Passed:
		fmt.Fprintf(out, "  %s %s\n", markPass, sr.What)
	case Failed:
		fmt.Fprintf(out, "  %s %s\n", markFail, sr.Miss.Sentence)
		if sr.Miss.Detail != "" {
			fmt.Fprintln(out, indent(sr.Miss.Detail))
		}
	default:
		fmt.Fprintf(out, "  · not run: %s\n", sr.What)
	}
}

// Summary is the line that closes a check.
func (r Result) Summary() string {
	n := r.Exercise.N
	if r.Passed() {
		return fmt.Sprintf("Exercise %d is done: all %d steps pass.", n, len(r.Steps))
	}
	notRun := 0
	for _, s := range r.Steps {
		if s.State == NotRun {
			notRun++
		}
	}
	msg := fmt.Sprintf("Exercise %d is not done yet: fix the ✗ above and run the check again.", n)
	if notRun > 0 {
		msg += fmt.Sprintf(" (%d of %d steps not run.)", notRun, len(r.Steps))
	}
	return msg
}

// Visitor returns the visitor of that name in this run (each with a cookie
// jar of its own: a browser), made on first use.
func (r *Run) Visitor(name string) *Visitor {
	v, ok := r.visitors[name]
	if !ok {
		v = newVisitor(r)
		r.visitors[name] = v
	}
	return v
}

// Stranger returns a new visitor with no cookie: another browser.
func (r *Run) Stranger() *Visitor { return newVisitor(r) }

// oneLine shortens a message from the app to quote it in a sentence.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) > 120 {
		s = string([]rune(s)[:120]) + "…"
	}
	return s
}
