package dstest

// CPU affinity, for benchmarks that keep the emulator off the cores of the
// code they measure. Linux only: it sets each thread's mask with
// sched_setaffinity and finds the threads in /proc/PID/task.

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// Pin restricts every thread of the emulator's processes (Pids) to cpus, so
// that a benchmark can keep the emulator off the cores of the code it
// measures, as Datastore is in production. Threads the JVM starts later
// inherit the restriction. It returns a function that gives every thread
// back the CPUs it had (PinProcess); when it fails part-way, it gives them
// back itself. A process that ends meanwhile, as the watchdog's sleep does,
// is skipped.
func (e *Emulator) Pin(cpus unix.CPUSet) (undo func() error, err error) {
	if e.cmd == nil || e.cmd.Process == nil {
		return nil, fmt.Errorf("dstest: pin: the %s emulator was not started here", e.Mode)
	}
	var undos []func() error
	undo = func() error {
		var errs []error
		for _, u := range undos {
			errs = append(errs, u())
		}
		return errors.Join(errs...)
	}
	for _, pid := range e.Pids() {
		u, err := PinProcess(pid, cpus)
		if err != nil {
			if !alive(pid) {
				continue
			}
			return nil, errors.Join(err, undo())
		}
		undos = append(undos, u)
	}
	return undo, nil
}

// PinProcess restricts every thread of process pid to cpus. Threads the
// process starts later inherit the restriction, and one started while
// PinProcess works, by a thread it has not reached yet, is reached too
// (eachThread). It returns a function that gives each thread back the CPUs
// it had, and a thread started since then the CPUs the process's main
// thread had; that function reports no error for a process that has ended.
// When PinProcess fails part-way, it gives the CPUs back itself.
func PinProcess(pid int, cpus unix.CPUSet) (undo func() error, err error) {
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

// ThreadCPUs returns the CPUs each thread of process pid may run on, by
// thread id.
func ThreadCPUs(pid int) (map[int]unix.CPUSet, error) {
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

// CPUs returns the CPUs in set, in order.
func CPUs(set unix.CPUSet) []int {
	var cpus []int
	for cpu := 0; len(cpus) < set.Count(); cpu++ {
		if set.IsSet(cpu) {
			cpus = append(cpus, cpu)
		}
	}
	return cpus
}

// maxPasses bounds eachThread's passes over a process that keeps starting
// threads; the emulator's JVM and the Go runtime settle within a few.
const maxPasses = 100

// eachThread calls f for every thread of process pid, listing
// /proc/PID/task again until a pass finds no thread it has not seen: a
// thread inherits the mask of the thread that starts it, so one started by
// a thread f had not reached yet is reached by the next pass, and once a
// pass finds nothing new, every thread there is has been reached. A thread
// that ends meanwhile (ESRCH) is skipped.
func eachThread(pid int, f func(tid int) error) error {
	seen := map[int]bool{}
	for range maxPasses {
		tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
		if err != nil {
			return fmt.Errorf("dstest: threads of process %d: %w", pid, err)
		}
		fresh := false
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil || seen[tid] {
				continue
			}
			seen[tid], fresh = true, true
			if err := f(tid); err != nil && !errors.Is(err, unix.ESRCH) {
				return fmt.Errorf("dstest: thread %d of process %d: %w", tid, pid, err)
			}
		}
		if !fresh {
			return nil
		}
	}
	return fmt.Errorf("dstest: process %d still starts threads after %d passes over /proc/%d/task", pid, maxPasses, pid)
}

// alive reports whether process pid still exists.
func alive(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return err == nil
}
