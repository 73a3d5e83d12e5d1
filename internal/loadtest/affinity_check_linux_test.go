package loadtest

import (
	"os"
	"os/exec"
	"testing"

	"golang.org/x/sys/unix"
)

// pinProcess pins every thread of a process, a child started afterwards
// inherits the pinning, and undo gives every thread its CPUs back. The test
// pins its own process, which has several threads (the Go runtime's), to
// the last CPU it may use.
func TestPinProcess(t *testing.T) {
	self := os.Getpid()
	var orig unix.CPUSet
	if err := unix.SchedGetaffinity(self, &orig); err != nil {
		t.Fatal(err)
	}
	cpus := cpuList(orig)
	var one unix.CPUSet
	one.Set(cpus[len(cpus)-1])

	undo, err := pinProcess(self, one)
	if err != nil {
		t.Fatal(err)
	}
	defer undo() // again, if the test ends early; it is idempotent
	wantThreadCPUs(t, "pinned", self, one)
	child := exec.Command("sleep", "10")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { child.Process.Kill(); child.Wait() }()
	wantThreadCPUs(t, "a child started while pinned", child.Process.Pid, one)

	if err := undo(); err != nil {
		t.Fatalf("undo: %v", err)
	}
	wantThreadCPUs(t, "restored", self, orig)
}

func wantThreadCPUs(t *testing.T, what string, pid int, want unix.CPUSet) {
	t.Helper()
	threads, err := threadCPUs(pid)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if len(threads) == 0 {
		t.Fatalf("%s: no threads in process %d", what, pid)
	}
	for tid, got := range threads {
		if got != want {
			t.Errorf("%s: thread %d of process %d may run on CPUs %v, want %v", what, tid, pid, cpuList(got), cpuList(want))
		}
	}
}
