package loadtest

// -load.pin: the emulator on a CPU of its own, as Datastore runs on
// machines of its own. Linux only: it sets each thread's CPUs with
// sched_setaffinity and finds the threads in /proc/PID/task.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

// pinCPUs keeps emulator e on the first CPU this process may run on, and
// this process, with every process it starts from now on (the server), on
// the others, until tb ends; it returns the others. On this two-core
// machine the emulator would otherwise take its CPU time from the server it
// stands in for, which production's Datastore, on machines of its own,
// never does; the read's ratio to a bare Lookup was 1.53x shared against
// 1.30x pinned (docs/benchmarks.md).
func pinCPUs(tb testing.TB, e *dstest.Emulator) (others unix.CPUSet) {
	tb.Helper()
	var all unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		tb.Fatalf("-load.pin: this process's CPUs: %v (run with -load.pin=false to share the CPUs)", err)
	}
	if all.Count() < 2 || len(e.Pids()) == 0 {
		tb.Fatalf("-load.pin needs 2 CPUs or more (this process may use %d) and an emulator started here; run with -load.pin=false", all.Count())
	}
	first := 0
	for !all.IsSet(first) {
		first++
	}
	var emulator unix.CPUSet
	emulator.Set(first)
	others = all
	others.Clear(first)
	tb.Cleanup(func() {
		_, err := setCPUs(all, append(e.Pids(), os.Getpid())...)
		runtime.SetDefaultGOMAXPROCS() // after the CPUs are back, so that it counts them
		if err != nil {
			tb.Errorf("-load.pin: giving the CPUs back: %v", err)
		}
	})
	n, err := setCPUs(emulator, e.Pids()...)
	if err != nil {
		tb.Fatalf("-load.pin: the emulator: %v", err)
	}
	m, err := setCPUs(others, os.Getpid())
	if err != nil {
		tb.Fatalf("-load.pin: this process: %v", err)
	}
	runtime.GOMAXPROCS(others.Count())
	tb.Logf("-load.pin: the emulator's %d threads on CPU %d, this process's %d threads on the other %d", n, first, m, others.Count())
	return others
}

// setCPUs restricts every thread of processes pids to cpus, and returns how
// many threads they have. A thread starts on the CPUs of the thread that
// starts it, so setCPUs passes over the threads again until a pass finds
// every one already on cpus: then no thread can be elsewhere. A process or
// thread that ends meanwhile is left out.
func setCPUs(cpus unix.CPUSet, pids ...int) (threads int, err error) {
	for range 100 {
		threads, moved := 0, 0
		for _, pid := range pids {
			tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			} else if err != nil {
				return 0, err
			}
			for _, task := range tasks {
				tid, _ := strconv.Atoi(task.Name())
				var set unix.CPUSet
				err := unix.SchedGetaffinity(tid, &set)
				if err == nil && set != cpus {
					if err = unix.SchedSetaffinity(tid, &cpus); err == nil {
						moved++
					}
				}
				if errors.Is(err, unix.ESRCH) {
					continue
				} else if err != nil {
					return 0, fmt.Errorf("loadtest: thread %d of process %d: %w", tid, pid, err)
				}
				threads++
			}
		}
		if moved == 0 {
			return threads, nil
		}
	}
	return 0, errors.New("loadtest: threads still start off their CPUs after 100 passes")
}
