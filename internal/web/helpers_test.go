package web

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/datastore"
	"google.golang.org/api/option"

	"github.com/gae-lessons/sessions-go/internal/cloudlog"
	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
	"github.com/gorilla/securecookie"
)

func TestMain(m *testing.M) {
	// The parallel tests mostly wait, on outages, deadlines and a browser,
	// rather than compute: they all run at once, not go test's one per
	// core, unless -parallel says otherwise.
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", "16")
	}
	os.Exit(dstest.Main(m, dstest.Firestore))
}

// testKey signs the sessions of tests that need no generated keys.
var testKey = dstest.Key

// repoFiles are the repository's templates/, static/ and docs/lesson.md,
// which main embeds.
var repoFiles = os.DirFS("../..")

// app is one instance of the server under test.
type app struct {
	*httptest.Server
	calls  *dstest.Counter
	client *datastore.Client
	srv    *Server
	log    *syncBuffer // the server's log, as on App Engine
}

// testConfig is an instance's configuration in tests: fixed keys, the
// default lifetime, and a namespace no other test uses.
func testConfig(tb testing.TB) Config {
	return Config{
		SessionKeys: [][]byte{testKey, nil},
		MaxAge:      sessionstore.DefaultMaxAge,
		Namespace:   dstest.Namespace(tb),
	}
}

// serveApp serves an instance with cfg whose Datastore client is client,
// and whose log takes lines from level up: info, as deployed, or debug, as
// with LOG_LEVEL=debug (the access log, and clients that went away).
func serveApp(t *testing.T, cfg Config, client *datastore.Client, calls *dstest.Counter, level slog.Level) *app {
	t.Helper()
	var log syncBuffer
	srv, err := New(cfg, client, cloudlog.New(&log, true, "my-project", level), repoFiles)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &app{Server: ts, calls: calls, client: client, srv: srv, log: &log}
}

// startApp starts an instance with cfg on the emulator, whose client has
// the server's options, and opts.
func startApp(t *testing.T, cfg Config, opts ...option.ClientOption) *app {
	t.Helper()
	client, calls := dstest.First(t).Client(t, slices.Concat(DatastoreOptions, opts)...)
	return serveApp(t, cfg, client, calls, slog.LevelInfo)
}

// debugApp is newApp with the debug lines in its log, and opts.
func debugApp(t *testing.T, opts ...option.ClientOption) *app {
	t.Helper()
	client, calls := dstest.First(t).Client(t, slices.Concat(DatastoreOptions, opts)...)
	return serveApp(t, testConfig(t), client, calls, slog.LevelDebug)
}

// offlineApp serves an instance with no Datastore client at all, for pages
// and answers that must never need Datastore: a call would panic, and the
// test fail. These tests run without an emulator, with Go alone; the
// instance's call counter stays at zero.
func offlineApp(t *testing.T) *app {
	t.Helper()
	return serveApp(t, testConfig(t), nil, &dstest.Counter{}, slog.LevelInfo)
}

// newApp starts an instance with fixed keys in a fresh namespace.
func newApp(t *testing.T) *app {
	t.Helper()
	return startApp(t, testConfig(t))
}

// signedPayload verifies a session cookie signed with testKey for the
// cookie name, which the signature covers, and returns what it carries.
func signedPayload(name, value string) ([]byte, bool) {
	codec := securecookie.New(testKey, nil)
	codec.SetSerializer(securecookie.NopEncoder{})
	var raw []byte
	err := codec.Decode(name, value, &raw)
	return raw, err == nil
}

// visitor is a browser-like client: it keeps cookies and follows no
// redirects, so tests see each answer.
type visitor struct {
	t    testing.TB
	http *http.Client
	base string
}

func newVisitor(t testing.TB, a *app) *visitor {
	jar, _ := cookiejar.New(nil)
	return &visitor{t: t, base: a.URL, http: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// at returns a visitor of app b who carries v's cookies: the same browser
// reaching another instance.
func (v *visitor) at(b *app) *visitor {
	u, _ := url.Parse(v.base)
	w := newVisitor(v.t, b)
	bu, _ := url.Parse(b.URL)
	w.http.Jar.SetCookies(bu, v.http.Jar.Cookies(u))
	return w
}

// cookies returns the cookies v holds.
func (v *visitor) cookies() []*http.Cookie {
	u, _ := url.Parse(v.base)
	return v.http.Jar.Cookies(u)
}

// newRequest is the one place a visitor's request is made: form nil
// means no body (a GET); a form is sent url-encoded, as the pages' forms
// send it; asJSON asks for the JSON answer.
func (v *visitor) newRequest(method, path string, form url.Values, asJSON bool) (*http.Request, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(context.Background(), method, v.base+path, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if asJSON {
		req.Header.Set("Accept", "application/json")
	}
	return req, nil
}

// answer is one response, read whole, or the error that stood for it.
type answer struct {
	status int
	header http.Header
	body   string
	took   time.Duration
	err    error
	sent   []*http.Cookie // the cookies of the request
}

// cookies returns the cookies the answer sets.
func (a answer) cookies() []*http.Cookie { return (&http.Response{Header: a.header}).Cookies() }

// send sends a request and reads the whole answer. An error is in the
// answer rather than the test's, so any goroutine may send; a test that
// checks the status sees it.
func (v *visitor) send(method, path string, form url.Values, asJSON bool) answer {
	return v.sendWith(method, path, form, asJSON, nil)
}

// sendWith is send with extra request headers.
func (v *visitor) sendWith(method, path string, form url.Values, asJSON bool, header http.Header) answer {
	req, err := v.newRequest(method, path, form, asJSON)
	if err != nil {
		return answer{err: err}
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	return v.roundTrip(req)
}

// sendRaw sends body as it is, with exactly the given headers.
func (v *visitor) sendRaw(method, path, body string, header http.Header) answer {
	req, err := http.NewRequestWithContext(context.Background(), method, v.base+path, strings.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	req.Header = header
	return v.roundTrip(req)
}

// roundTrip sends req and reads the whole answer.
func (v *visitor) roundTrip(req *http.Request) answer {
	sent := append(req.Cookies(), v.cookies()...)
	start := time.Now()
	resp, err := v.http.Do(req)
	if err != nil {
		return answer{err: err, took: time.Since(start), sent: sent}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b), took: time.Since(start), err: err, sent: sent}
}

// getJSON GETs path as JSON, checks the status and decodes the answer.
func (v *visitor) getJSON(path string, wantStatus int, into any) {
	v.t.Helper()
	decode(v.t, "GET "+path, v.send("GET", path, nil, true), wantStatus, into)
}

// postJSON POSTs form as JSON, checks the status and decodes the answer.
func (v *visitor) postJSON(path string, form url.Values, wantStatus int, into any) {
	v.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	decode(v.t, "POST "+path, v.send("POST", path, form, true), wantStatus, into)
}

// decode checks the status of the JSON answer to what, and decodes it.
func decode(t testing.TB, what string, got answer, wantStatus int, into any) {
	t.Helper()
	if got.err != nil || got.status != wantStatus {
		t.Fatalf("%s: got status %d (%v), want %d; body %.300s", what, got.status, got.err, wantStatus, got.body)
	}
	if ct := got.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: got Content-Type %q, want application/json", what, ct)
	}
	if into != nil {
		if err := json.Unmarshal([]byte(got.body), into); err != nil {
			t.Fatalf("%s: decode %s: %v", what, got.body, err)
		}
	}
}

// count returns the visitor's click count.
func (v *visitor) count() int {
	v.t.Helper()
	var got struct{ Count int }
	v.getJSON("/counter", http.StatusOK, &got)
	return got.Count
}

// click clicks once and returns the count it answered.
func (v *visitor) click() int {
	v.t.Helper()
	var got struct{ Count int }
	v.postJSON("/counter", nil, http.StatusOK, &got)
	return got.Count
}
