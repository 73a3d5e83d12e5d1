// Command verify proves every exercise check both ways, as CI runs it
// (make exercises-verify): each check fails on the tree as it is, and
// passes on a copy with each reference solution of exercises/solutions
// applied. It exits 1 if any of that does not hold. The work is package
// internal/exercise's Verify.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gae-lessons/sessions-go/internal/exercise"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := exercise.Verify(ctx, ".", os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "exercises-verify: FAILED:\n%v\n", err)
		stop()
		os.Exit(1)
	}
}
