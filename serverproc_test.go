package main

// The server under load, as a process of its own: built from this package,
// started against an emulator, watched through /proc and stopped.

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

// buildServer builds the server binary from this package.
func buildServer(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "server")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serverProcess is the built server, running.
type serverProcess struct {
	cmd     *exec.Cmd
	exited  chan struct{} // closed once the process has exited
	err     error         // how it exited, once exited is closed
	base    string
	log     string
	started time.Time
	startup time.Duration // from the start of the process to its first answer
}

// startServer runs the binary against the emulator, with fixed session
// keys, and waits for its first answer.
func startServer(tb testing.TB, bin string, e *dstest.Emulator) *serverProcess {
	tb.Helper()
	port := freeLoopbackPort(tb)
	logf, err := os.CreateTemp(tb.TempDir(), "server-*.log")
	if err != nil {
		tb.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"PORT="+strconv.Itoa(port),
		"DATASTORE_EMULATOR_HOST="+e.Host,
		"DATASTORE_PROJECT_ID="+e.Project,
		"GOOGLE_CLOUD_PROJECT="+e.Project,
		"SESSION_KEYS="+testKeys,
		"GAE_ENV=",
	)
	cmd.Stdout, cmd.Stderr = logf, logf
	p := &serverProcess{cmd: cmd, exited: make(chan struct{}), base: fmt.Sprintf("http://127.0.0.1:%d", port), log: logf.Name()}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start server: %v", err)
	}
	go func() { p.err = cmd.Wait(); close(p.exited) }()
	tb.Cleanup(p.kill)
	c := &http.Client{Timeout: time.Second}
	for deadline := p.started.Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		req, _ := http.NewRequest("GET", p.base+"/counter", nil)
		req.Header.Set("Accept", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			select {
			case <-p.exited:
				tb.Fatalf("server exited at start (%v); its log: %s", p.err, p.log)
			default:
			}
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			p.startup = time.Since(p.started)
			c.CloseIdleConnections()
			return p
		}
	}
	tb.Fatalf("server gave no answer within 15 s; its log: %s", p.log)
	return nil
}

// peakRSS returns the process's peak resident memory (VmHWM), in MiB.
func (p *serverProcess) peakRSS(tb testing.TB) float64 {
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

// cpuTime returns the CPU time the process has used so far.
func (p *serverProcess) cpuTime(tb testing.TB) time.Duration {
	tb.Helper()
	d, err := dstest.ProcessCPU(p.cmd.Process.Pid)
	if err != nil {
		tb.Fatalf("server: %v", err)
	}
	return d
}

// stop asks the server to finish (SIGTERM) and waits for it.
func (p *serverProcess) stop(tb testing.TB) {
	tb.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		tb.Errorf("stop server: %v", err)
		return
	}
	select {
	case <-p.exited:
		if p.err != nil {
			tb.Errorf("server exited with %v; its log: %s", p.err, p.log)
		}
	case <-time.After(10 * time.Second):
		p.kill()
		tb.Errorf("server did not stop within 10 s of SIGTERM; its log: %s", p.log)
	}
}

// kill ends the server if it still runs; stop is the graceful way.
func (p *serverProcess) kill() {
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

func freeLoopbackPort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
