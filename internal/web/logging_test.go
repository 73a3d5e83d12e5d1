package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/datastore"
	"github.com/gorilla/securecookie"
	"google.golang.org/api/option"
	"google.golang.org/grpc"

	"github.com/gae-lessons/sessions-go/internal/cloudlog"
	"github.com/gae-lessons/sessions-go/internal/dstest"
)

const (
	traceHeader = "105445aa7843bc8bf206b12000100000/1;o=1"
	wantTrace   = "projects/my-project/traces/105445aa7843bc8bf206b12000100000"
	traceField  = "logging.googleapis.com/trace"
)

// loggedServer returns the routes of a server that logs to the returned
// buffer, as on App Engine or locally, and whose Datastore refuses every
// connection: these tests need no emulator.
func loggedServer(t *testing.T, onAppEngine bool) (http.Handler, *syncBuffer) {
	t.Helper()
	down := dstest.StartProxy(t, "127.0.0.1:9")
	down.Set(dstest.Refuse)
	via := dstest.At(down.Addr(), "my-project")
	client, err := datastore.NewClient(context.Background(), "my-project", via.ClientOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	var buf syncBuffer
	logger := cloudlog.New(&buf, onAppEngine, "my-project", slog.LevelDebug)
	return newTestServer(t, testConfig(t), client, logger).Handler(), &buf
}

// loggedApp is startApp with the server's log, as on App Engine, in the
// returned buffer, and the Datastore client's extra options, if any.
func loggedApp(t *testing.T, cfg Config, opts ...option.ClientOption) (*app, *syncBuffer) {
	t.Helper()
	client, calls := dstest.First(t).Client(t, opts...)
	var buf syncBuffer
	logger := cloudlog.New(&buf, true, "my-project", slog.LevelDebug)
	srv := newTestServer(t, cfg, client, logger)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &app{Server: ts, calls: calls, client: client, srv: srv}, &buf
}

// serve sends a request, traced as App Engine traces it, to h.
func serve(h http.Handler, method, path string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	r.Header.Set("X-Cloud-Trace-Context", traceHeader)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

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

func TestLog_appEngineLinesAreJSONWithTrace(t *testing.T) {
	h, buf := loggedServer(t, true)
	serve(h, "GET", "/")
	lines := jsonLines(t, buf.String())
	for _, l := range lines {
		for _, k := range []string{"level", "msg", "time"} {
			if _, ok := l[k]; ok {
				t.Errorf("line has %q, which Cloud Logging does not read: %v", k, l)
			}
		}
		if l[traceField] != wantTrace {
			t.Errorf("got trace %v, want %q in %v", l[traceField], wantTrace, l)
		}
	}
	access := findLine(t, lines, "GET /")
	if access["severity"] != "DEBUG" || access["status"] != float64(200) {
		t.Errorf("got access line %v, want severity DEBUG and status 200", access)
	}
}

func TestLog_unavailableDatastoreLogsWarningWithError(t *testing.T) {
	h, buf := loggedServer(t, true)
	key := testKey
	sc := securecookie.New(key, nil)
	sc.SetSerializer(securecookie.NopEncoder{})
	cookie, err := sc.Encode(localCookieName, make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/counter", nil)
	r.Header.Set("Cookie", localCookieName+"="+cookie)
	r.Header.Set("Accept", "application/json")
	r.Header.Set("X-Cloud-Trace-Context", traceHeader)
	serveUnavailable(t, h, r)

	lines := jsonLines(t, buf.String())
	warn := findLine(t, lines, "datastore unavailable")
	if warn["severity"] != "WARNING" || warn[traceField] != wantTrace {
		t.Errorf("got %v, want severity WARNING and the trace", warn)
	}
	if e, _ := warn["error"].(string); !strings.Contains(e, "datastore unavailable") || !strings.Contains(e, "DeadlineExceeded") {
		t.Errorf("got error %q, want the Datastore error in full", e)
	}
	access := findLine(t, lines, "GET /counter")
	if access["severity"] != "DEBUG" || access["status"] != float64(503) {
		t.Errorf("got access line %v, want severity DEBUG and status 503", access)
	}
}

func TestLog_localLinesAreText(t *testing.T) {
	h, buf := loggedServer(t, false)
	serve(h, "GET", "/")
	log := strings.TrimSpace(buf.String())
	if json.Valid([]byte(log)) {
		t.Fatalf("got JSON, want text lines:\n%s", log)
	}
	for _, want := range []string{`level=DEBUG`, `msg="GET /"`, `status=200`} {
		if !strings.Contains(log, want) {
			t.Errorf("log has no %s:\n%s", want, log)
		}
	}
	if strings.Contains(log, traceField) {
		t.Errorf("local log carries the Cloud trace:\n%s", log)
	}
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

// serveUnavailable serves r on h, whose Datastore refuses, with a deadline
// of a second (the request's own is seconds, the cleanup's minutes: a short
// one keeps the test quick), and wants the 503 that ends it.
func serveUnavailable(t *testing.T, h http.Handler, r *http.Request) {
	t.Helper()
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r.WithContext(ctx))
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("got status %d, want 503; body %s", w.Code, w.Body)
	}
}

// A client that hangs up is no outage: the Datastore calls it leaves
// half-done fail, and that is logged at debug level only. Requests whose
// context is already cancelled, as net/http cancels it when the client
// closes the connection, go through the whole handler.
func TestLog_clientThatHangsUpIsNoOutage(t *testing.T) {
	for _, tt := range []struct{ method, path string }{
		{"POST", "/race"}, {"POST", "/race/naive"}, {"POST", "/counter"},
		{"GET", "/class"}, {"GET", "/counter"}, {"GET", "/race"},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			a, buf := loggedApp(t, testConfig(t))
			v := newVisitor(t, a)
			v.click()    // a session...
			startRace(v) // ...and a race
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			r := httptest.NewRequestWithContext(ctx, tt.method, tt.path, nil)
			for _, c := range v.cookies() {
				r.AddCookie(c)
			}
			a.srv.Handler().ServeHTTP(httptest.NewRecorder(), r)
			checkNoWarnings(t, buf.String())
			if !strings.Contains(buf.String(), "client went away") {
				t.Errorf("the log has no debug line for the client that went away:\n%s", buf)
			}
		})
	}
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
	a, buf := loggedApp(t, testConfig(t), option.WithGRPCDialOption(grpc.WithChainUnaryInterceptor(hold)))
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
	checkNoWarnings(t, buf.String())
	if !strings.Contains(buf.String(), "client went away") {
		t.Errorf("the log has no debug line for the client that went away:\n%s", buf)
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
