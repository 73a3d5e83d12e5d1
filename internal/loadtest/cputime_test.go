//go:build linux

package loadtest

// CPU time, as the kernel counts it: the server's, for its CPU per request
// (BenchmarkLoad, BenchmarkRates), and this process's, for the visitors' CPU
// per request (BenchmarkLoad; the reason for the visitors' own client).

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/apptest"
)

// serverCPU returns the CPU time the server has used so far, all its
// threads, user and system, from /proc/PID/stat, to the kernel's tick
// (USER_HZ, 100 on Linux).
func serverCPU(tb testing.TB, srv *apptest.Process) time.Duration {
	tb.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", srv.Pid()))
	if err != nil {
		tb.Fatalf("server's CPU time: %v", err)
	}
	// The fields after the command, which is in parentheses, start with
	// the state (field 3); utime and stime are fields 14 and 15.
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	if len(fields) < 13 {
		tb.Fatalf("server's CPU time: short /proc/%d/stat: %q", srv.Pid(), stat)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			tb.Fatalf("server's CPU time: /proc/%d/stat: %v", srv.Pid(), err)
		}
		ticks += n
	}
	return time.Duration(ticks) * (time.Second / 100)
}

// selfCPU returns the CPU time this process has used so far, user and
// system, from getrusage: to the microsecond, where /proc's 10-ms ticks are
// too coarse for the visitors' share of one phase.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// perReq returns d per request of n, in microseconds.
func perReq(d time.Duration, n int) float64 {
	return float64(d.Microseconds()) / float64(max(n, 1))
}
