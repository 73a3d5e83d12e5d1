package loadtest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

// pinned is where pinCPUs put the emulator and this process (-load.pin).
type pinned struct {
	e                      *dstest.Emulator
	orig, emulator, others unix.CPUSet
	undoEmulator, undoSelf func() error
}

// pinCPUs keeps emulator e on the first CPU this process may run on, and
// this process, with every process it starts from now on (the server), on
// the others, until undo gives every thread the CPUs it had. On this
// two-core machine the emulator would otherwise take its CPU time from the
// server it stands in for, which production's Datastore, on machines of its
// own, never does.
func pinCPUs(tb testing.TB, e *dstest.Emulator) *pinned {
	tb.Helper()
	p := &pinned{e: e}
	self := os.Getpid()
	if err := unix.SchedGetaffinity(self, &p.orig); err != nil {
		tb.Fatalf("-load.pin: this process's CPUs: %v (run with -load.pin=false to share the CPUs)", err)
	}
	cpus := cpuList(p.orig)
	if len(cpus) < 2 {
		tb.Fatalf("-load.pin needs at least 2 CPUs, this process may run on %v only; run with -load.pin=false", cpus)
	}
	p.emulator.Set(cpus[0])
	p.others = p.orig
	p.others.Clear(cpus[0])
	var err error
	if p.undoEmulator, err = pinEmulator(e, p.emulator); err != nil {
		tb.Fatalf("-load.pin: %v (run with -load.pin=false to share the CPUs)", err)
	}
	if p.undoSelf, err = pinProcess(self, p.others); err != nil {
		// pinProcess has given this process's threads their CPUs back.
		if uerr := p.undoEmulator(); uerr != nil {
			tb.Errorf("-load.pin: undo: %v", uerr)
		}
		tb.Fatalf("-load.pin: %v (run with -load.pin=false to share the CPUs)", err)
	}
	runtime.GOMAXPROCS(len(cpus) - 1)
	return p
}

// check reads back the CPUs of every thread of the emulator, of this
// process and of the processes pids (the server), fails tb unless each is
// where pinCPUs put it, and logs where they are.
func (p *pinned) check(tb testing.TB, pids ...int) {
	tb.Helper()
	checkCPUs(tb, "pinned: emulator", p.emulator, p.e.Pids()...)
	checkCPUs(tb, "pinned: this process and the server", p.others, append([]int{os.Getpid()}, pids...)...)
}

// undo gives every thread of the emulator and of this process the CPUs it
// had, and checks that it has them.
func (p *pinned) undo(tb testing.TB) {
	tb.Helper()
	err := p.undoSelf()
	// After the CPUs are back, so that the default counts them; and the
	// runtime's automatic updates of GOMAXPROCS resume.
	runtime.SetDefaultGOMAXPROCS()
	if err := errors.Join(err, p.undoEmulator()); err != nil {
		tb.Errorf("-load.pin: undo: %v", err)
	}
	checkCPUs(tb, "restored: emulator and this process", p.orig, append(p.e.Pids(), os.Getpid())...)
}

// checkCPUs fails tb unless every thread of processes pids may run on want
// only, and logs how many threads each has; processes that have ended are
// left out.
func checkCPUs(tb testing.TB, what string, want unix.CPUSet, pids ...int) {
	tb.Helper()
	var seen []string
	for _, pid := range pids {
		threads, err := threadCPUs(pid)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			tb.Errorf("-load.pin: %s: %v", what, err)
			continue
		}
		for tid, got := range threads {
			if got != want {
				tb.Errorf("-load.pin: %s: thread %d of process %d may run on CPUs %v, want %v",
					what, tid, pid, cpuList(got), cpuList(want))
			}
		}
		seen = append(seen, fmt.Sprintf("%d (%d threads)", pid, len(threads)))
	}
	tb.Logf("%s on CPUs %v: processes %s", what, cpuList(want), strings.Join(seen, ", "))
}
