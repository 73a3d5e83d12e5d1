// Package apptest runs the app for tests outside package web, signing with
// dstest.Key: its handler in process (Handler, as main builds it), or its
// real binary (Build, Start): built from the module's main package, started
// on a free loopback port with the environment a test gives it, and
// stopped with SIGTERM as App Engine stops an instance (its peak memory is
// read from Linux's /proc, for the load benchmark).
//
// The tests of the root package (start-up, shutdown, the http.Server's
// limits) and the load benchmark (internal/loadtest) run the binary; handler
// tests serve the app in process, which is faster and needs no build.
// Package web's own tests build the handler in their helpers_test.go, since
// they cannot import a package that imports web.
package apptest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/emulator"
)

// mainPackage is the import path of the app's command.
const mainPackage = "github.com/gae-lessons/sessions-go"

// Build builds the app's binary into a temporary directory of tb.
func Build(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "sessions-go")
	out, err := exec.Command("go", "build", "-o", bin, mainPackage).CombinedOutput()
	if err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Options say how to start the binary.
type Options struct {
	// Env is the whole environment besides PORT: nothing of the test's own
	// environment reaches the binary, so a test says all it depends on.
	Env map[string]string
	// Ready is the path that must answer 200 (asked for as JSON) before
	// Start returns; "/" if empty, which needs no Datastore.
	Ready string
}

// Process is the binary, running.
type Process struct {
	Addr    string        // 127.0.0.1:port
	Base    string        // http://127.0.0.1:port
	Started time.Time     // when the process was started
	Startup time.Duration // from Started to the first 200 of Options.Ready

	cmd    *exec.Cmd
	log    buffer
	exited chan struct{} // closed once the process has exited
	err    error         // cmd.Wait's, once exited is closed
}

// Start runs bin with PORT on a free loopback port and opts.Env, and waits
// (at most 15 s) until it answers opts.Ready. The process is killed when tb
// ends, and its log shown if tb failed.
func Start(tb testing.TB, bin string, opts Options) *Process {
	tb.Helper()
	port, err := emulator.FreePort()
	if err != nil {
		tb.Fatal(err)
	}
	p := &Process{
		Addr:   fmt.Sprintf("127.0.0.1:%d", port),
		exited: make(chan struct{}),
		cmd:    exec.Command(bin),
	}
	p.Base = "http://" + p.Addr
	p.cmd.Env = []string{"PORT=" + strconv.Itoa(port)}
	for k, v := range opts.Env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout, p.cmd.Stderr = &p.log, &p.log
	p.Started = time.Now()
	if err := p.cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", bin, err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	tb.Cleanup(func() {
		p.Kill()
		if tb.Failed() {
			tb.Logf("the server's log:\n%s", p.Log())
		}
	})

	ready := opts.Ready
	if ready == "" {
		ready = "/"
	}
	c := &http.Client{Timeout: 5 * time.Second}
	defer c.CloseIdleConnections()
	for deadline := p.Started.Add(15 * time.Second); time.Now().Before(deadline); {
		if p.answers(c, ready) {
			p.Startup = time.Since(p.Started)
			return p
		}
		select {
		case <-p.exited:
			tb.Fatalf("the server exited before it served: %v\n%s", p.err, p.Log())
		case <-time.After(5 * time.Millisecond):
		}
	}
	tb.Fatalf("the server did not answer %s within 15 s; its log:\n%s", ready, p.Log())
	return nil
}

// answers reports whether path answers 200.
func (p *Process) answers(c *http.Client, path string) bool {
	req, err := http.NewRequest("GET", p.Base+path, nil)
	if err != nil {
		return false
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Log returns what the server has written to stdout and stderr so far.
func (p *Process) Log() string { return p.log.String() }

var startupMS = regexp.MustCompile(`startup_ms=(\d+)`)

// LoggedStartup returns the start-up time the server logged, in ms, or
// "(not logged)".
func (p *Process) LoggedStartup() string {
	m := startupMS.FindStringSubmatch(p.Log())
	if m == nil {
		return "(not logged)"
	}
	return m[1]
}

// Signal sends sig to the server.
func (p *Process) Signal(tb testing.TB, sig os.Signal) {
	tb.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		tb.Fatalf("signal %v: %v", sig, err)
	}
}

// WaitExit waits at most bound for the server to exit and returns its exit
// code.
func (p *Process) WaitExit(tb testing.TB, bound time.Duration) int {
	tb.Helper()
	select {
	case <-p.exited:
		var ee *exec.ExitError
		if errors.As(p.err, &ee) {
			return ee.ExitCode()
		}
		if p.err != nil {
			tb.Fatalf("wait: %v", p.err)
		}
		return 0
	case <-time.After(bound):
		tb.Fatalf("the server did not exit within %v", bound)
		return -1
	}
}

// Stop asks the server to finish (SIGTERM) and checks that it exits cleanly
// within 10 s.
func (p *Process) Stop(tb testing.TB) {
	tb.Helper()
	p.Signal(tb, syscall.SIGTERM)
	if code := p.WaitExit(tb, 10*time.Second); code != 0 {
		tb.Errorf("the server exited with code %d after SIGTERM", code)
	}
}

// Kill ends the server if it still runs; Stop is the graceful way.
func (p *Process) Kill() {
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// PeakRSS returns the server's peak resident memory (VmHWM), in MiB.
func (p *Process) PeakRSS(tb testing.TB) float64 {
	tb.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		tb.Fatalf("peak memory: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				tb.Fatalf("peak memory: %q: %v", sc.Text(), err)
			}
			return float64(kb) / 1024
		}
	}
	tb.Fatal("peak memory: no VmHWM in /proc/PID/status")
	return 0
}

// Pid returns the server's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// buffer is a bytes.Buffer that the process's output and the test may use
// at once.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
