package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"google.golang.org/api/option"
	"google.golang.org/grpc"
)

const (
	traceHeader = "105445aa7843bc8bf206b12000100000/1;o=1"
	wantTrace   = "projects/my-project/traces/105445aa7843bc8bf206b12000100000"
	traceField  = "logging.googleapis.com/trace"
)

// jsonLines decodes each log line, failing on one that is not JSON.
func jsonLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %v\n%s", err, line)
		}
		lines = append(lines, m)
	}
	return lines
}

// findLine returns the first line whose message is msg.
func findLine(t *testing.T, lines []map[string]any, msg string) map[string]any {
	t.Helper()
	for _, l := range lines {
		if l["message"] == msg {
			return l
		}
	}
	t.Fatalf("no log line %q in %v", msg, lines)
	return nil
}

// syncBuffer is a bytes.Buffer that the server's handlers and the test may
// use at once.
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

// A client that hangs up is no outage: the Datastore calls it leaves
// half-done fail, and that is logged at debug level only. Requests whose
// context is already cancelled, as net/http cancels it when the client
// closes the connection, go through the whole handler.
func TestLog_clientThatHangsUpIsNoOutage(t *testing.T) {
	a := debugApp(t)
	v := newVisitor(t, a)
	v.click()    // a session...
	startRace(v) // ...and a race
	for _, tt := range []struct{ method, path string }{
		{"POST", "/race"}, {"POST", "/race/naive"}, {"POST", "/counter"},
		{"GET", "/class"}, {"GET", "/counter"}, {"GET", "/race"},
	} {
		gone := strings.Count(a.log.String(), "client went away")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r := httptest.NewRequestWithContext(ctx, tt.method, tt.path, nil)
		for _, c := range v.cookies() {
			r.AddCookie(c)
		}
		a.srv.Handler().ServeHTTP(httptest.NewRecorder(), r)
		if strings.Count(a.log.String(), "client went away") == gone {
			t.Errorf("%s %s: the log has no debug line for the client that went away", tt.method, tt.path)
		}
	}
	checkNoWarnings(t, a.log.String())
}

// The same over a real connection, mid-race: a client that hangs up while
// its race runs leaves no warning, and the race's record is deleted all the
// same. One Datastore call of the race is held until the server cancels it,
// so that the client leaves while the race runs, and the test knows that
// the handler was cancelled rather than done before.
func TestLog_clientThatHangsUpMidRaceLeavesNoWarning(t *testing.T) {
	var commits, cancelled atomic.Int32
	held := make(chan struct{})
	hold := func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		if strings.HasSuffix(method, "/Commit") && commits.Add(1) == 3 { // the race's start, a naive click, this one
			close(held)
			<-ctx.Done()
			if errors.Is(ctx.Err(), context.Canceled) {
				cancelled.Add(1)
			}
			return ctx.Err()
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	}
	a := debugApp(t, option.WithGRPCDialOption(grpc.WithChainUnaryInterceptor(hold)))
	v := newVisitor(t, a)
	req, _ := v.newRequest("POST", "/race", url.Values{}, true)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-held; cancel() }()
	if resp, err := v.http.Do(req.WithContext(ctx)); err == nil {
		resp.Body.Close()
		t.Fatalf("the race answered %d, want the client gone before", resp.StatusCode)
	}
	a.Close() // waits for the handler
	if n := cancelled.Load(); n != 1 {
		t.Fatalf("got %d calls cancelled mid-race, want 1", n)
	}
	checkNoWarnings(t, a.log.String())
	if !strings.Contains(a.log.String(), "client went away") {
		t.Errorf("the log has no debug line for the client that went away:\n%s", a.log)
	}
	if n := raceRecords(t, a); n != 0 {
		t.Errorf("got %d race records after the hang-up, want none", n)
	}
}

// checkNoWarnings fails if the JSON log has a line above info level.
func checkNoWarnings(t *testing.T, log string) {
	t.Helper()
	if strings.TrimSpace(log) == "" {
		return
	}
	for _, line := range jsonLines(t, log) {
		if sev := line["severity"]; sev == "WARNING" || sev == "ERROR" {
			t.Errorf("got a %s line, want none above info: %v", sev, line)
		}
	}
}
