// Command check checks the lesson's exercises (docs/lesson.md §9) in the
// working tree it is run from: make exercise N=1 runs it as
//
//	go run ./exercises/check 1
//
// which builds the app, starts it against the Datastore emulator and
// prints each step of exercise 1 with ✓ or ✗; it exits 0 when the exercise
// is done. With no number it lists every exercise and whether it passes.
// The checks are package internal/exercise's.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/gae-lessons/sessions-go/internal/exercise"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var code int
	switch len(os.Args) {
	case 1:
		code = exercise.List(ctx, ".", os.Stdout)
	case 2:
		n, err := strconv.Atoi(os.Args[1])
		if err != nil {
			fmt.Fprintf(os.Stderr, "usage: make exercise N=<number of the exercise, 1 to %d>\n", len(exercise.Exercises))
			code = exercise.ExitUsage
			break
		}
		code = exercise.CheckOne(ctx, ".", n, os.Stdout)
	default:
		fmt.Fprintln(os.Stderr, "usage: make exercise [N=<number>]")
		code = exercise.ExitUsage
	}
	stop()
	os.Exit(code)
}
