package main

// The real binary, started and stopped as App Engine does: what only main
// decides (the http.Server's limits, SIGTERM) is tested here; the handlers
// are tested in-process in internal/web.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptrace"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/apptest"
	"github.com/gae-lessons/sessions-go/internal/dstest"
)

func TestMain(m *testing.M) {
	os.Exit(dstest.Main(m, dstest.Firestore))
}

// TestBinary builds the binary once for its subtests, each of which starts
// it afresh, on a port, with a session and a proxy of its own: they run in
// parallel, so that the two that wait out the shutdown grace wait at once.
func TestBinary(t *testing.T) {
	t.Parallel()
	bin := apptest.Build(t)
	for name, test := range map[string]func(*testing.T, string){
		"shutdown/SIGTERMFinishesRequestsInFlight":    testSIGTERMFinishesRequestsInFlight,
		"shutdown/requestStuckPastTheGraceAnswers503": testRequestStuckPastTheGraceAnswers503,
		"shutdown/stuckUploadIsCutAfterTheGrace":      testStuckUploadIsCutAfterTheGrace,
		"server/headerLimits":                         testHeaderLimits,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test(t, bin)
		})
	}
}

// start runs bin with its Datastore at host, in project, signing with the
// fixed test key. Host 127.0.0.1:9 serves a test whose requests never
// reach Datastore.
func start(t *testing.T, bin, host, project string) *apptest.Process {
	t.Helper()
	return apptest.Start(t, bin, apptest.Options{Env: map[string]string{
		"DATASTORE_EMULATOR_HOST": host,
		"GOOGLE_CLOUD_PROJECT":    project,
		"SESSION_KEYS":            dstest.KeysEnv,
	}})
}

// clickAnswer is the answer to one JSON click on the counter.
type clickAnswer struct {
	status, count int
	err           error
}

// click is one JSON click on base's counter with c's cookies. It reports
// the answer rather than failing, so other goroutines may use it; an
// answer other than 200 without Retry-After is an error.
func click(ctx context.Context, c *http.Client, base string) clickAnswer {
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/counter", strings.NewReader(""))
	if err != nil {
		return clickAnswer{err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return clickAnswer{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return clickAnswer{status: resp.StatusCode, err: err}
	}
	if resp.StatusCode != http.StatusOK {
		if resp.Header.Get("Retry-After") == "" {
			err = fmt.Errorf("status %d without Retry-After: %s", resp.StatusCode, body)
		}
		return clickAnswer{status: resp.StatusCode, err: err}
	}
	var got struct{ Count int }
	err = json.Unmarshal(body, &got)
	return clickAnswer{resp.StatusCode, got.Count, err}
}

// waitFor polls cond every 10 ms for at most bound.
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

// stuckAtSIGTERM runs the binary with its Datastore behind a proxy, clicks
// once, then hangs the proxy, sends a click that sticks in flight, and
// sends SIGTERM. It returns the binary, the proxy, and the stuck click's
// answer to come.
func stuckAtSIGTERM(t *testing.T, bin string) (*apptest.Process, *dstest.Proxy, chan clickAnswer) {
	t.Helper()
	e := dstest.First(t)
	proxy := dstest.StartProxy(t, e.Host)
	srv := start(t, bin, proxy.Addr(), e.Project)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	// The first click also warms up the emulator, whose very first write
	// may take seconds.
	if got := click(t.Context(), c, srv.Base); got.err != nil || got.count != 1 {
		t.Fatalf("first click: got count %d (%v), want 1", got.count, got.err)
	}
	t.Logf("first Datastore-backed answer %v after the process started (it logs startup_ms=%s)",
		time.Since(srv.Started).Round(time.Millisecond), srv.LoggedStartup())

	// The click is in flight once the server has it (the client wrote it:
	// a SIGTERM before may find it still dialling, once seen in CI) and
	// its Datastore call is held.
	proxy.Set(dstest.Hang)
	inFlight := make(chan clickAnswer, 1)
	var wrote atomic.Bool
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) },
	})
	go func() { inFlight <- click(ctx, c, srv.Base) }()
	waitFor(t, 10*time.Second, "the click reaching Datastore", func() bool { return wrote.Load() && proxy.Stalled() > 0 })
	srv.Signal(t, syscall.SIGTERM)
	return srv, proxy, inFlight
}

// The click in flight answers 200 with count 2: its commit is done, since
// the handler answers only after it (internal/web's tests show a click
// answered 200 is counted).
func testSIGTERMFinishesRequestsInFlight(t *testing.T, bin string) {
	srv, proxy, inFlight := stuckAtSIGTERM(t, bin)
	var dialErr error
	waitFor(t, 2*time.Second, "new connections refused", func() bool {
		conn, err := net.Dial("tcp", srv.Addr)
		if err == nil {
			conn.Close()
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

	proxy.Set(dstest.Pass)
	if got := <-inFlight; got.err != nil || got.status != http.StatusOK || got.count != 2 {
		t.Fatalf("click in flight: got status %d, count %d, %v; want 200 and count 2", got.status, got.count, got.err)
	}
	if code := srv.WaitExit(t, shutdownGrace+5*time.Second); code != 0 {
		t.Errorf("got exit code %d, want 0", code)
	}
}

func testRequestStuckPastTheGraceAnswers503(t *testing.T, bin string) {
	srv, _, inFlight := stuckAtSIGTERM(t, bin) // the proxy stays hung
	// click checks that a 503 carries Retry-After.
	if got := <-inFlight; got.err != nil || got.status != http.StatusServiceUnavailable {
		t.Errorf("stuck click: got %d, %v; want 503 with Retry-After", got.status, got.err)
	}
	if code := srv.WaitExit(t, shutdownGrace+5*time.Second); code != 0 {
		t.Errorf("got exit code %d, want 0", code)
	}
}

func testStuckUploadIsCutAfterTheGrace(t *testing.T, bin string) {
	srv := start(t, bin, "127.0.0.1:9", "stuck-upload")
	c, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A first request on the connection shows it accepted and served, so
	// the click after it is in the server's hands when SIGTERM comes.
	fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", srv.Addr)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	// 10 bytes of the 100 announced, then nothing.
	fmt.Fprintf(c, "POST /counter HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Length: 100\r\n\r\n%s", srv.Addr, strings.Repeat("a", 10))
	time.Sleep(100 * time.Millisecond)

	// The server waits out its grace for the upload, then cuts it and
	// says so. The warning is logged only once Shutdown's context, whose
	// timeout is the grace, has expired: it proves the wait without timing
	// it, and WaitExit bounds the wait from above.
	srv.Signal(t, syscall.SIGTERM)
	if code := srv.WaitExit(t, shutdownGrace+5*time.Second); code != 0 {
		t.Errorf("got exit code %d, want 0", code)
	}
	if log := srv.Log(); !strings.Contains(log, "grace period over") || !strings.Contains(log, "connections=1") {
		t.Errorf("want a warning that the grace was over and 1 connection cut; the log:\n%s", log)
	}
}

func testHeaderLimits(t *testing.T, bin string) {
	srv := start(t, bin, "127.0.0.1:9", "hostile")
	for _, h := range []struct {
		name   string
		header http.Header
		want   int
	}{
		{"one 60 KiB header", http.Header{"X-Big": {strings.Repeat("a", 60<<10)}}, http.StatusOK},
		{"one 60 KiB cookie", http.Header{"Cookie": {"session=" + strings.Repeat("a", 60<<10)}}, http.StatusOK},
		{"one 100 KiB header", http.Header{"X-Big": {strings.Repeat("a", 100<<10)}}, http.StatusRequestHeaderFieldsTooLarge},
		{"2000 small headers", manyHeaders(2000), http.StatusOK},
		{"5000 small headers", manyHeaders(5000), http.StatusRequestHeaderFieldsTooLarge},
	} {
		req, err := http.NewRequest("GET", srv.Base+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header = h.header
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("%s: %v", h.name, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != h.want {
			t.Errorf("%s: got %d, want %d", h.name, resp.StatusCode, h.want)
		}
	}
}

func manyHeaders(n int) http.Header {
	h := http.Header{}
	for i := range n {
		h.Set(fmt.Sprintf("X-H%d", i), "0123456789")
	}
	return h
}
