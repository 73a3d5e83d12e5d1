package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/internal/faultproxy"
)

// buildBinary builds the command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sessions-go")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is the real binary, running.
type process struct {
	cmd     *exec.Cmd
	addr    string // 127.0.0.1:port
	base    string // http://127.0.0.1:port
	log     *syncBuffer
	started time.Time
	exited  chan error // receives cmd.Wait's error once
}

// startBinary starts bin with PORT on a free port and the given
// environment (and nothing else from the test's), and waits until it
// serves. It logs the time from start to the first answer.
func startBinary(t *testing.T, bin string, env map[string]string) *process {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()

	p := &process{
		addr:   fmt.Sprintf("127.0.0.1:%d", port),
		log:    &syncBuffer{},
		exited: make(chan error, 1),
	}
	p.base = "http://" + p.addr
	p.cmd = exec.Command(bin)
	p.cmd.Env = []string{fmt.Sprintf("PORT=%d", port)}
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() { p.exited <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.cmd.Process.Kill() // a no-op once it exited
		if t.Failed() {
			t.Logf("the server's log:\n%s", p.log)
		}
	})

	c := http.Client{Timeout: 5 * time.Second}
	for range 300 {
		resp, err := c.Get(p.base + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Logf("first answer %v after the process started; the server logs startup_ms=%s",
					time.Since(p.started).Round(time.Millisecond), p.startupMS())
				return p
			}
		}
		select {
		case err := <-p.exited:
			t.Fatalf("the server exited before it served: %v\n%s", err, p.log)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("the server did not answer within 15s; its log:\n%s", p.log)
	return nil
}

var startupMS = regexp.MustCompile(`startup_ms=(\d+)`)

// startupMS returns what the server logged as its start-up time.
func (p *process) startupMS() string {
	m := startupMS.FindStringSubmatch(p.log.String())
	if m == nil {
		return "(not logged)"
	}
	return m[1]
}

// waitExit waits, at most bound, for the process to exit and returns its
// exit code.
func (p *process) waitExit(t *testing.T, bound time.Duration) int {
	t.Helper()
	select {
	case err := <-p.exited:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(bound):
		t.Fatalf("the server did not exit within %v", bound)
		return -1
	}
}

// syncBuffer is a bytes.Buffer that the process's output goroutine and the
// test may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls cond every 10ms for at most bound.
func waitFor(t *testing.T, bound time.Duration, what string, cond func() bool) {
	t.Helper()
	for range int(bound / (10 * time.Millisecond)) {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s: not within %v", what, bound)
}

// stuckAtSIGTERM runs the real binary with its Datastore behind a proxy,
// clicks once, then hangs the proxy, sends a click that sticks in flight,
// and sends SIGTERM. It returns the binary, the proxy, the visitor, another
// instance on the same namespace (to check what the binary wrote) and the
// stuck click's answer to come.
func stuckAtSIGTERM(t *testing.T) (*process, *faultproxy.Proxy, *visitor, *app, chan answer) {
	t.Helper()
	e := dstest.First(t)
	bin := buildBinary(t)
	// The other instance's first click also warms up the emulator, whose
	// very first write takes seconds.
	other := startApp(t, "", map[string]string{"SESSION_KEYS": testKeys})
	newVisitor(t, other).click()
	proxy := faultproxy.Start(t, e.Host)
	srv := startBinary(t, bin, map[string]string{
		"DATASTORE_EMULATOR_HOST": proxy.Addr(),
		"GOOGLE_CLOUD_PROJECT":    e.Project,
		"SESSION_KEYS":            testKeys,
	})
	v := newVisitor(t, &app{Server: &httptest.Server{URL: srv.base}})
	if got := v.click(); got != 1 {
		t.Fatalf("first click: got count %d, want 1", got)
	}
	t.Logf("first Datastore-backed answer %v after the process started", time.Since(srv.started).Round(time.Millisecond))

	proxy.Set(faultproxy.Hang)
	inFlight := make(chan answer, 1)
	go func() { inFlight <- v.send("POST", "/counter", nil, true) }()
	waitFor(t, 10*time.Second, "the click reaching Datastore", func() bool { return proxy.Stalled() > 0 })
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	return srv, proxy, v, other, inFlight
}

func TestShutdown_SIGTERMFinishesRequestsInFlight(t *testing.T) {
	srv, proxy, v, other, inFlight := stuckAtSIGTERM(t)

	var dialErr error
	waitFor(t, 2*time.Second, "new connections refused", func() bool {
		c, err := net.Dial("tcp", srv.addr)
		if err == nil {
			c.Close()
			return false
		}
		dialErr = err
		return true
	})
	// Refused, or reset when it raced the listener's close.
	if !errors.Is(dialErr, syscall.ECONNREFUSED) && !errors.Is(dialErr, syscall.ECONNRESET) {
		t.Errorf("new connection after SIGTERM: got %v, want connection refused", dialErr)
	}
	select {
	case got := <-inFlight:
		t.Fatalf("the click in flight answered %d (%v) while Datastore hung", got.status, got.err)
	default:
	}

	proxy.Set(faultproxy.Pass)
	got := <-inFlight
	if got.err != nil || got.status != http.StatusOK {
		t.Fatalf("click in flight: got %d, %v, %s; want 200", got.status, got.err, got.body)
	}
	if !bytes.Contains([]byte(got.body), []byte(`{"count":2}`)) {
		t.Errorf("click in flight: got %s, want count 2", got.body)
	}
	if code := srv.waitExit(t, shutdownGrace+5*time.Second); code != 0 {
		t.Errorf("got exit code %d, want 0; log:\n%s", code, srv.log)
	}

	// The click is kept: another instance, on the same namespace, sees it.
	if n := v.at(other).count(); n != 2 {
		t.Errorf("after shutdown: got count %d, want 2", n)
	}
}

func TestShutdown_requestStuckPastTheGraceAnswers503(t *testing.T) {
	srv, _, _, _, inFlight := stuckAtSIGTERM(t) // and the proxy stays hung
	got := <-inFlight
	if got.err != nil || got.status != http.StatusServiceUnavailable || got.header.Get("Retry-After") == "" {
		t.Errorf("stuck click: got %d, %v, Retry-After %q; want 503 with Retry-After", got.status, got.err, got.header.Get("Retry-After"))
	}
	if code := srv.waitExit(t, shutdownGrace+5*time.Second); code != 0 {
		t.Errorf("got exit code %d, want 0; log:\n%s", code, srv.log)
	}
}
