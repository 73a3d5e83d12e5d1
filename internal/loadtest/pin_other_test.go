//go:build !linux

package loadtest

import (
	"testing"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

// pinned stands in for pin_linux_test.go's: pinning needs Linux's
// sched_setaffinity.
type pinned struct{}

func pinCPUs(tb testing.TB, e *dstest.Emulator) *pinned {
	tb.Helper()
	tb.Fatal("-load.pin needs Linux; run with -load.pin=false to share the CPUs")
	return nil
}

func (*pinned) check(testing.TB, ...int) {}
func (*pinned) undo(testing.TB)          {}
