package dstest

import (
	"os/exec"
	"testing"
)

// Start starts an emulator of the given mode for one test or benchmark and
// stops it when tb ends: for the few that need an emulator their binary's
// TestMain does not start, such as the load benchmark, which runs against
// both while the root package's tests need only one. Like Emulators, it
// skips without the Google Cloud CLI, or fails under CI=true.
func Start(tb testing.TB, mode Mode) *Emulator {
	tb.Helper()
	if _, err := exec.LookPath("gcloud"); err != nil {
		msg := installHint()
		if InCI() {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	e, err := start(mode)
	if err != nil {
		if h := installHint(); h != "" {
			tb.Fatalf("%v; %s", err, h)
		}
		tb.Fatal(err)
	}
	tb.Cleanup(e.stop)
	return e
}
