package exercise

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// Exit codes of the check command.
const (
	ExitDone    = 0 // the exercise is done (or, for the list, it was shown)
	ExitNotDone = 1 // a step failed, or the tree does not build
	ExitUsage   = 2 // nothing to check, or the checks could not run
)

// Env is what checks share: the app built from one working tree and the
// emulator it runs against.
type Env struct {
	Root string
	Bin  string
	DS   *Datastore
	tmp  string
}

// Prepare builds the app from the working tree root while the emulator
// starts. A tree that does not build is a *BuildError.
func Prepare(ctx context.Context, root string) (*Env, error) {
	tmp, err := os.MkdirTemp("", "exercise-")
	if err != nil {
		return nil, err
	}
	env := &Env{Root: root, tmp: tmp}
	var (
		wg    sync.WaitGroup
		dsErr error
	)
	wg.Go(func() { env.DS, dsErr = StartDatastore() })
	bin, buildErr := Build(ctx, root, tmp)
	wg.Wait()
	env.Bin = bin
	if err := errors.Join(buildErr, dsErr); err != nil {
		env.Close()
		return nil, err
	}
	return env, nil
}

// Close stops the emulator, if Prepare started it, and removes the build.
func (e *Env) Close() {
	if e.DS != nil {
		e.DS.Close()
	}
	os.RemoveAll(e.tmp)
}

// CheckOne checks exercise n of the working tree root, step by step, and
// returns the command's exit code.
func CheckOne(ctx context.Context, root string, n int, out io.Writer) int {
	ex, err := Lookup(n)
	if err != nil {
		fmt.Fprintln(out, err)
		return ExitUsage
	}
	fmt.Fprintf(out, "Exercise %d: %s\n", ex.N, ex.Title)
	switch ex.Kind {
	case Question:
		fmt.Fprintf(out, "This exercise is a question: answer it in words, as the lesson asks. There is nothing to check.\n")
		return ExitUsage
	case Unchecked:
		fmt.Fprintf(out, "This exercise is not checked: %s.\n", ex.NotChecked)
		return ExitUsage
	}
	env, err := Prepare(ctx, root)
	if err != nil {
		return prepareFailed(out, ex, err)
	}
	defer env.Close()
	app, err := StartApp(ctx, env.Bin, env.DS)
	if err != nil {
		return prepareFailed(out, ex, err)
	}
	defer app.Stop()
	fmt.Fprintf(out, "  %s the app builds from your working tree and starts\n", markPass)
	res := Check(ctx, ex, app, root, out)
	fmt.Fprintln(out, res.Summary())
	if res.Passed() {
		return ExitDone
	}
	return ExitNotDone
}

// prepareFailed reports a tree that does not build or an app that does
// not start as the check's first ✗, and anything else as a failure to
// run the checks at all.
func prepareFailed(out io.Writer, ex Exercise, err error) int {
	var be *BuildError
	if !errors.As(err, &be) && !isStartError(err) {
		fmt.Fprintf(out, "The checks could not run: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(out, "  %s %v\n", markFail, err)
	for _, st := range ex.Steps {
		printStep(out, StepResult{What: st.What})
	}
	fmt.Fprintf(out, "Exercise %d is not done yet: the app must build and start before anything else can be checked.\n", ex.N)
	return ExitNotDone
}

// startError is an app that built but did not serve.
type startError struct{ error }

func isStartError(err error) bool {
	var se startError
	return errors.As(err, &se)
}

// List checks every checked exercise of the working tree root, on one
// build and one emulator, and writes the table of all exercises.
func List(ctx context.Context, root string, out io.Writer) int {
	fmt.Fprintln(out, "The lesson's exercises (docs/lesson.md §9); make exercise N=<number> checks one, step by step.")
	fmt.Fprintln(out)
	env, err := Prepare(ctx, root)
	if err != nil {
		var be *BuildError
		if errors.As(err, &be) {
			fmt.Fprintf(out, "%s %v\n", markFail, err)
			return ExitNotDone
		}
		fmt.Fprintf(out, "The checks could not run: %v\n", err)
		return ExitUsage
	}
	defer env.Close()
	app, err := StartApp(ctx, env.Bin, env.DS)
	if err != nil {
		fmt.Fprintf(out, "%s %v\n", markFail, err)
		return ExitNotDone
	}
	defer app.Stop()
	for _, ex := range Exercises {
		var state string
		switch ex.Kind {
		case Question:
			state = "– a question: answer it in words; nothing to check"
		case Unchecked:
			state = "– not checked: " + ex.NotChecked
		default:
			res := Check(ctx, ex, app, root, io.Discard)
			if res.Passed() {
				state = markPass + " done"
			} else {
				state = fmt.Sprintf("%s not yet (step %d of %d fails: make exercise N=%d says why)", markFail, failedStep(res), len(res.Steps), ex.N)
			}
		}
		fmt.Fprintf(out, "  %2d  %-36s %s\n", ex.N, ex.Title, state)
	}
	return ExitDone
}

func failedStep(r Result) int {
	for i, s := range r.Steps {
		if s.State == Failed {
			return i + 1
		}
	}
	return 0
}
