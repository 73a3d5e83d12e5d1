package loadtest

// CPU affinity, for the benchmarks that keep the emulator off the cores of
// the code they measure (pin_linux_test.go). Linux only: it sets each
// thread's mask with sched_setaffinity and finds the threads in
// /proc/PID/task.

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

// pinEmulator restricts every thread of emulator e's processes
// (dstest.Emulator.Pids) to cpus, so that a benchmark can keep the emulator
// off the cores of the code it measures, as Datastore is in production.
// Threads and processes the tree starts later inherit the restriction. It
// returns a function that gives every thread back the CPUs it had
// (pinProcess), and a process started since then, such as the watchdog's
// sleep, the CPUs the tree's first process had; when pinEmulator fails
// part-way, it gives them back itself. A process that ends meanwhile is
// skipped.
func pinEmulator(e *dstest.Emulator, cpus unix.CPUSet) (undo func() error, err error) {
	tree := e.Pids()
	if len(tree) == 0 {
		return nil, fmt.Errorf("loadtest: pin: the %s emulator was not started here", e.Mode)
	}
	var orig unix.CPUSet
	if err := unix.SchedGetaffinity(tree[0], &orig); err != nil {
		return nil, fmt.Errorf("loadtest: pin: sched_getaffinity: %w", err)
	}
	pids := func() ([]int, error) { return e.Pids(), nil }
	undos := map[int]func() error{}
	undo = func() error {
		var errs []error
		for _, u := range undos {
			errs = append(errs, u())
		}
		errs = append(errs, untilNoneNew(pids, func(pid int) error {
			if undos[pid] != nil {
				return nil
			}
			_, err := pinProcess(pid, orig)
			if err != nil && !alive(pid) {
				return nil
			}
			return err
		}))
		return errors.Join(errs...)
	}
	err = untilNoneNew(pids, func(pid int) error {
		u, err := pinProcess(pid, cpus)
		if err != nil {
			if !alive(pid) {
				return nil
			}
			return err
		}
		undos[pid] = u
		return nil
	})
	if err != nil {
		return nil, errors.Join(err, undo())
	}
	return undo, nil
}

// pinProcess restricts every thread of process pid to cpus. Threads the
// process starts later inherit the restriction, and one started while
// pinProcess works, by a thread it has not reached yet, is reached too
// (eachThread). It returns a function that gives each thread back the CPUs
// it had, and a thread started since then the CPUs the process's main
// thread had; that function reports no error for a process that has ended.
// When pinProcess fails part-way, it gives the CPUs back itself.
func pinProcess(pid int, cpus unix.CPUSet) (undo func() error, err error) {
	orig := map[int]unix.CPUSet{}
	err = eachThread(pid, func(tid int) error {
		var set unix.CPUSet
		if err := unix.SchedGetaffinity(tid, &set); err != nil {
			return fmt.Errorf("sched_getaffinity: %w", err)
		}
		orig[tid] = set
		if err := unix.SchedSetaffinity(tid, &cpus); err != nil {
			return fmt.Errorf("sched_setaffinity: %w", err)
		}
		return nil
	})
	undo = func() error {
		main, mainKnown := orig[pid]
		err := eachThread(pid, func(tid int) error {
			set, ok := orig[tid]
			if !ok {
				if !mainKnown {
					return nil // never pinned
				}
				set = main
			}
			if err := unix.SchedSetaffinity(tid, &set); err != nil {
				return fmt.Errorf("sched_setaffinity: %w", err)
			}
			return nil
		})
		if err != nil && !alive(pid) {
			return nil
		}
		return err
	}
	if err != nil {
		return nil, errors.Join(err, undo())
	}
	return undo, nil
}

// threadCPUs returns the CPUs each thread of process pid may run on, by
// thread id.
func threadCPUs(pid int) (map[int]unix.CPUSet, error) {
	threads := map[int]unix.CPUSet{}
	err := eachThread(pid, func(tid int) error {
		var set unix.CPUSet
		if err := unix.SchedGetaffinity(tid, &set); err != nil {
			return fmt.Errorf("sched_getaffinity: %w", err)
		}
		threads[tid] = set
		return nil
	})
	return threads, err
}

// cpuList returns the CPUs in set, in order.
func cpuList(set unix.CPUSet) []int {
	var cpus []int
	for cpu := 0; len(cpus) < set.Count(); cpu++ {
		if set.IsSet(cpu) {
			cpus = append(cpus, cpu)
		}
	}
	return cpus
}

// maxPasses bounds the passes of untilNoneNew over processes or threads
// that keep starting new ones; the emulator and the Go runtime settle within
// a few.
const maxPasses = 100

// eachThread calls f for every thread of process pid (untilNoneNew over
// /proc/PID/task): a thread inherits the mask of the thread that starts
// it, so one started by a thread f had not reached yet is reached by the
// next pass. A thread that ends meanwhile (ESRCH) is skipped.
func eachThread(pid int, f func(tid int) error) error {
	threads := func() ([]int, error) {
		tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
		if err != nil {
			return nil, fmt.Errorf("loadtest: threads of process %d: %w", pid, err)
		}
		tids := make([]int, 0, len(tasks))
		for _, t := range tasks {
			if tid, err := strconv.Atoi(t.Name()); err == nil {
				tids = append(tids, tid)
			}
		}
		return tids, nil
	}
	return untilNoneNew(threads, func(tid int) error {
		if err := f(tid); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("loadtest: thread %d of process %d: %w", tid, pid, err)
		}
		return nil
	})
}

// untilNoneNew calls f once for every id list returns, calling list again
// until a pass finds no id it has not seen: what starts while f works, by
// one f has not reached yet, is reached too, and once a pass finds nothing
// new, every one there is has been reached.
func untilNoneNew(list func() ([]int, error), f func(id int) error) error {
	seen := map[int]bool{}
	for range maxPasses {
		ids, err := list()
		if err != nil {
			return err
		}
		fresh := false
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id], fresh = true, true
			if err := f(id); err != nil {
				return err
			}
		}
		if !fresh {
			return nil
		}
	}
	return fmt.Errorf("loadtest: new processes or threads keep starting after %d passes", maxPasses)
}

// alive reports whether process pid still exists.
func alive(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return err == nil
}
