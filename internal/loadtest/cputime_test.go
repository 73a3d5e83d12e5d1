//go:build linux

package loadtest

// CPU time, as the kernel counts it: this process's from getrusage, the
// server's and the emulator's processes' from Linux's /proc/PID/stat.

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/internal/serverproc"
)

// processCPU returns the CPU time process pid has used so far, all its
// threads, user and system, to the kernel's tick (USER_HZ, 100 on Linux).
func processCPU(pid int) (time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("loadtest: CPU time: %w", err)
	}
	// The fields after the command, which is in parentheses, start with
	// the state (field 3); utime and stime are fields 14 and 15.
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(fields) < 13 {
		return 0, fmt.Errorf("loadtest: CPU time: short /proc/%d/stat: %q", pid, stat)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("loadtest: CPU time: /proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * (time.Second / 100), nil
}

// emulatorCPU returns the CPU time emulator e's processes (gcloud's wrapper
// and the JVM below it) have used so far. An emulator dstest did not start
// (External) reports an error.
func emulatorCPU(e *dstest.Emulator) (time.Duration, error) {
	pids := e.Pids()
	if len(pids) == 0 {
		return 0, fmt.Errorf("loadtest: CPU time: the %s emulator was not started here", e.Mode)
	}
	var total time.Duration
	for _, pid := range pids {
		d, err := processCPU(pid)
		if err != nil {
			continue // a process that ended meanwhile
		}
		total += d
	}
	return total, nil
}

// serverCPUTime returns the CPU time the server has used so far.
func serverCPUTime(tb testing.TB, srv *serverproc.Process) time.Duration {
	tb.Helper()
	d, err := processCPU(srv.Pid())
	if err != nil {
		tb.Fatalf("server: %v", err)
	}
	return d
}

// cpuSplit is the CPU time a phase of the load used outside the server:
// this process (the visitors' HTTP clients, or the bare calls' Datastore
// client), to the microsecond, and the emulator, to /proc's 10 ms tick. The
// server's CPU time is read from /proc too, over the whole run
// (serverCPUTime).
type cpuSplit struct {
	client, emulator cpuTotal
	emulatorKnown    bool
}

type cpuTotal time.Duration

// perOp returns the CPU time per operation, in microseconds.
func (c cpuTotal) perOp(ops int) float64 {
	return float64(time.Duration(c).Microseconds()) / float64(max(ops, 1))
}

// takeCPU reads the CPU time used so far by this process, user and system,
// from getrusage (to the microsecond: /proc's 10 ms ticks are too coarse
// for one phase of this process's share), and by emulator e, from /proc.
func takeCPU(e *dstest.Emulator) cpuSplit {
	var c cpuSplit
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		c.client = cpuTotal(time.Duration(ru.Utime.Nano() + ru.Stime.Nano()))
	}
	if d, err := emulatorCPU(e); err == nil {
		c.emulator, c.emulatorKnown = cpuTotal(d), true
	}
	return c
}

func (c cpuSplit) since(old cpuSplit) cpuSplit {
	return cpuSplit{c.client - old.client, c.emulator - old.emulator, c.emulatorKnown && old.emulatorKnown}
}

func (c *cpuSplit) add(d cpuSplit) {
	c.client += d.client
	c.emulator += d.emulator
	c.emulatorKnown = d.emulatorKnown
}
