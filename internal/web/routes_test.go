package web

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

// routeRequest is a request of a route that its handler accepts, for the
// tests that cover every route of the table (routes.go).
type routeRequest struct {
	path   string           // what to request: the pattern's path unless it has a wildcard
	form   url.Values       // a POST's valid form
	header http.Header      // headers the route needs
	ready  func(v *visitor) // brings the visitor to the state the request needs
	html   int              // a success's status in HTML: 303 for a POST, 200 for a GET, unless set
}

// routeSamples are what a route's request needs beyond its pattern. A
// route added to the table that needs more (a wildcard to fill, a form
// field, a state) fails TestRoutes_sampleRequestsSucceed until it has one.
var routeSamples = map[string]routeRequest{
	"GET /{$}":                    {path: "/"},
	"POST /stateless":             {html: http.StatusOK}, // the page, not a redirect (http.md)
	"POST /mastermind/guess":      {form: url.Values{"guess": {"3456"}}},
	"GET /race":                   {ready: startRace},
	"POST /race/naive":            {ready: startRace},
	"POST /race/atomic":           {ready: startRace},
	"GET /class":                  {path: "/class?refresh=off"},
	"GET /tasks/cleanup-sessions": {header: http.Header{"X-Appengine-Cron": {"true"}}},
	"GET /static/{file}":          {path: "/static/style.css"},
}

func startRace(v *visitor) { v.postJSON("/race/reset", nil, http.StatusOK, nil) }

// sample returns the request of rt that its handler accepts.
func sample(t testing.TB, rt route) routeRequest {
	t.Helper()
	req := routeSamples[rt.pattern]
	if req.path == "" {
		req.path = rt.path()
	}
	if strings.ContainsAny(req.path, "{}") {
		t.Fatalf("%s: routeSamples has no path for its wildcard", rt.pattern)
	}
	if req.form == nil && rt.method() == http.MethodPost {
		req.form = url.Values{}
	}
	if req.ready == nil {
		req.ready = func(*visitor) {}
	}
	if req.html == 0 {
		req.html = http.StatusOK
		if rt.method() == http.MethodPost {
			req.html = http.StatusSeeOther
		}
	}
	return req
}

// samplesOf returns the sample requests of the routes of the table that
// keep says.
func samplesOf(t testing.TB, keep func(route) bool) []routeRequest {
	var out []routeRequest
	for _, rt := range routes {
		if keep(rt) {
			out = append(out, sample(t, rt))
		}
	}
	return out
}

func isPost(rt route) bool { return rt.method() == http.MethodPost }
func isGet(rt route) bool  { return rt.method() == http.MethodGet }

// redirects are where a form's POST sends the browser, by route: a
// Location ending in "?" is a prefix (POST /race puts its result in the
// address, as its record is gone). A route not here is not checked for
// it, so that a new route needs no more than its sample.
var redirects = map[string]string{
	"POST /counter":          "/counter",
	"POST /mastermind/guess": "/mastermind",
	"POST /mastermind/new":   "/mastermind",
	"POST /race":             "/race?",
	"POST /race/reset":       "/race",
	"POST /race/naive":       "/race",
	"POST /race/atomic":      "/race",
	"POST /session/end":      "/",
}

// Every route's sample request succeeds for a new visitor made ready, as
// HTML and as JSON, over plain HTTP (make run) and as on App Engine
// (Secure): the samples the other tests send are requests the handlers
// accept. A form's POST sends the browser on to its page, and succeeds
// whichever signs of a post from this site it carries, or none. Every
// answer is as checkAnswer has it.
func TestRoutes_sampleRequestsSucceed(t *testing.T) {
	for _, secure := range []bool{false, true} {
		a := startApp(t, withSecure(testConfig(t), secure))
		sameOrigin := []http.Header{
			nil,
			{"Origin": {a.URL}},
			{"Origin": {a.URL}, "Sec-Fetch-Site": {"same-origin"}},
			{"Sec-Fetch-Site": {"none"}},
		}
		for _, rt := range routes {
			req := sample(t, rt)
			formats := []bool{false}
			if rt.answers == pagesJSON {
				formats = append(formats, true)
			}
			for _, asJSON := range formats {
				senders, want := sameOrigin[:1], req.html
				switch {
				case asJSON:
					want = http.StatusOK
				case isPost(rt):
					senders = sameOrigin
				}
				for _, h := range senders {
					what := fmt.Sprintf("%s%s with %v, secure %v", rt.pattern, format(asJSON), h, secure)
					v := newVisitor(t, a)
					req.ready(v)
					header := http.Header{}
					maps.Copy(header, req.header)
					maps.Copy(header, h)
					got := v.sendWith(rt.method(), req.path, req.form, asJSON, header)
					if got.err != nil || got.status != want {
						t.Errorf("%s: got %d (%v), want %d; body %.200s", what, got.status, got.err, want, got.body)
					}
					loc := got.header.Get("Location")
					if to, ok := redirects[rt.pattern]; ok && want == http.StatusSeeOther && loc != to && !(strings.HasSuffix(to, "?") && strings.HasPrefix(loc, to)) {
						t.Errorf("%s: sent to %q, want %q", what, loc, to)
					}
					checkAnswer(t, what, got, secure)
				}
			}
		}
	}
}

// withSecure is cfg with Secure set as on App Engine, or not.
func withSecure(cfg Config, secure bool) Config {
	cfg.Secure = secure
	return cfg
}

// Handler builds the mux from the table alone: no file of the package
// registers a route anywhere else, so a route cannot escape the tests that
// read the table.
func TestRoutes_muxIsBuiltFromTheTableAlone(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var where []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "HandleFunc" || sel.Sel.Name == "Handle") {
					where = append(where, fset.Position(call.Pos()).String())
				}
			}
			return true
		})
	}
	if len(where) != 1 || !strings.HasPrefix(where[0], "routes.go:") {
		t.Errorf("got routes registered at %v, want only routes.go's loop over the table: add the route to the table instead", where)
	}
}

// docsRoute is a row of docs/http.md's route table: `METHOD /path`, and
// its JSON answer.
var docsRoute = regexp.MustCompile("(?m)^\\| `([A-Z]+) (/[^`]*)` \\| [^|]+ \\| ([^|]+) \\|")

// docs/http.md's table of routes and the code's list the same routes, in
// the same order, each answering JSON or not as the table says.
func TestRoutes_docsTableAgrees(t *testing.T) {
	b, err := os.ReadFile("../../docs/http.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	doc = doc[strings.Index(doc, "## Routes"):]
	doc = doc[:strings.Index(doc[3:], "\n## ")+3]
	var documented, coded []string
	for _, m := range docsRoute.FindAllStringSubmatch(doc, -1) {
		kind := "JSON"
		switch json := strings.TrimSpace(m[3]); {
		case json == "— (HTML only)":
			kind = "HTML only"
		case json == "—":
			kind = "file"
		}
		documented = append(documented, m[1]+" "+m[2]+": "+kind)
	}
	for _, rt := range routes {
		path := strings.TrimSuffix(rt.path(), "{$}")
		kind := map[answers]string{pages: "HTML only", pagesJSON: "JSON", files: "file"}[rt.answers]
		coded = append(coded, rt.method()+" "+path+": "+kind)
	}
	if !slices.Equal(documented, coded) {
		t.Errorf("docs/http.md's routes and routes.go's differ:\n docs: %q\n code: %q", documented, coded)
	}
}

// Each kind of refusal answers its status, in the form asked for (a JSON
// error or an HTML page), over plain HTTP and as on App Engine, and as
// checkAnswer has it; none commits or sets a cookie, and a 403 makes no
// Datastore call at all. An unknown path is 404 and a known one asked with
// another method 405 with its Allow, both before the cross-origin check: a
// foreign PUT learns 405 rather than 403. Every POST route refuses a post
// that carries any sign of another site, and a race's click is 409 without
// a race that exists.
func TestRoutes_refusals(t *testing.T) {
	type refusal struct {
		name, method, path string
		form               url.Values
		header             http.Header
		want               int
		allow              string
	}
	crossSite := http.Header{"Sec-Fetch-Site": {"cross-site"}}
	for _, secure := range []bool{false, true} {
		a := startApp(t, withSecure(testConfig(t), secure))
		reqs := []refusal{
			{"cross-origin", "POST", "/counter", url.Values{}, crossSite, http.StatusForbidden, ""},
			{"bad guess", "POST", "/mastermind/guess", url.Values{"guess": {"9"}}, nil, http.StatusBadRequest, ""},
			{"too large", "POST", "/mastermind/guess", url.Values{"guess": {strings.Repeat("1", 100<<10)}}, nil, http.StatusRequestEntityTooLarge, ""},
			{"not cron", "GET", "/tasks/cleanup-sessions", nil, nil, http.StatusForbidden, ""},
			{"no race", "POST", "/race/naive", url.Values{}, nil, http.StatusConflict, ""},
			{"no race", "POST", "/race/atomic", url.Values{}, nil, http.StatusConflict, ""},
			{"a session, no race", "POST", "/race/naive", url.Values{}, cookie(a.srv.cookieName(), dstest.SignedCookie(t, testKey, a.srv.cookieName(), make([]byte, 32))), http.StatusConflict, ""},
			{"an unknown race", "POST", "/race/naive", url.Values{}, cookie(a.srv.raceCookie(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), http.StatusConflict, ""},
			{"a malformed race id", "POST", "/race/atomic", url.Values{}, cookie(a.srv.raceCookie(), "../x"), http.StatusConflict, ""},
			{"404", "GET", "/no/such/page", nil, nil, http.StatusNotFound, ""},
			{"404 cross-site", "POST", "/nope", nil, crossSite, http.StatusNotFound, ""},
			{"static 404", "GET", "/static/nope.css", nil, nil, http.StatusNotFound, ""},
			{"405", "DELETE", "/counter", nil, nil, http.StatusMethodNotAllowed, "GET, HEAD, POST"},
			{"405 cross-site", "PUT", "/counter", url.Values{}, crossSite, http.StatusMethodNotAllowed, "GET, HEAD, POST"},
			{"405 of a POST route", "GET", "/session/end", nil, nil, http.StatusMethodNotAllowed, "POST"},
			{"405 of a GET route", "POST", "/mastermind/hint", nil, nil, http.StatusMethodNotAllowed, "GET, HEAD"},
			{"405 of the home page", "PUT", "/", nil, nil, http.StatusMethodNotAllowed, "GET, HEAD"},
		}
		// Every sign of another site, to every POST route, over plain HTTP:
		// the cookie's flags play no part in it.
		for name, h := range map[string]http.Header{
			"Sec-Fetch-Site cross-site":              crossSite,
			"Sec-Fetch-Site same-site":               {"Sec-Fetch-Site": {"same-site"}},
			"Origin of another site":                 {"Origin": {"https://evil.example"}},
			"Origin null":                            {"Origin": {"null"}},
			"matching Origin but cross-site":         {"Origin": {a.URL}, "Sec-Fetch-Site": {"cross-site"}},
			"two Origins, this site's first":         {"Origin": {a.URL, "https://evil.example"}},
			"two Sec-Fetch-Sites, same-origin first": {"Sec-Fetch-Site": {"same-origin", "cross-site"}},
			"Origin of another site but same-origin": {"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"same-origin"}},
		} {
			for _, r := range samplesOf(t, isPost) {
				if !secure {
					reqs = append(reqs, refusal{name, "POST", r.path, r.form, h, http.StatusForbidden, ""})
				}
			}
		}
		for _, r := range reqs {
			for _, asJSON := range []bool{false, true} {
				what := fmt.Sprintf("%s %s %s%s, secure %v", r.name, r.method, r.path, format(asJSON), secure)
				a.calls.Reset()
				got := newVisitor(t, a).sendWith(r.method, r.path, r.form, asJSON, r.header)
				if got.err != nil || got.status != r.want || got.header.Get("Allow") != r.allow {
					t.Errorf("%s: got %d (%v) with Allow %q, want %d with Allow %q; body %.200s",
						what, got.status, got.err, got.header.Get("Allow"), r.want, r.allow, got.body)
				}
				var e struct{ Error string }
				ct := got.header.Get("Content-Type")
				if asJSON && (ct != "application/json" || json.Unmarshal([]byte(got.body), &e) != nil || e.Error == "") ||
					!asJSON && ct != "text/html; charset=utf-8" {
					t.Errorf("%s: got %s %.200q, want the error in the form asked for", what, ct, got.body)
				}
				if calls := a.calls.Calls(); calls["Commit"] != 0 || r.want == http.StatusForbidden && len(calls) != 0 {
					t.Errorf("%s: got Datastore calls %v, want no commit, and none at all for a 403", what, calls)
				}
				if c := got.header.Values("Set-Cookie"); len(c) != 0 {
					t.Errorf("%s: got Set-Cookie %q, want none", what, c)
				}
				checkAnswer(t, what, got, secure)
			}
		}
	}
}

// cookie is a request's Cookie header of one cookie.
func cookie(name, value string) http.Header { return http.Header{"Cookie": {name + "=" + value}} }

// checkAnswer checks what every answer carries: the security headers, and
// Strict-Transport-Security only when secure (as on App Engine); cookies
// that are only the app's two, HttpOnly, SameSite=Lax, Path=/, host-only,
// and __Host- and Secure when secure; none of the session cookies the
// request sent or the answer sets, nor the whole session id one carries
// (contract: the panel shows them decoded and abbreviated); and, unless it
// is a page, none of the internal text of the error behind it.
func checkAnswer(t *testing.T, what string, got answer, secure bool) {
	t.Helper()
	checkSecurityHeaders(t, what, got.header)
	for _, c := range slices.Concat(got.sent, got.cookies()) {
		if raw, ok := signedPayload(c.Name, c.Value); ok {
			for _, s := range []string{c.Value, strings.TrimRight(c.Value, "="), hex.EncodeToString(raw)} {
				if strings.Contains(got.body, s) {
					t.Errorf("%s: the answer shows the session cookie's %q", what, s)
				}
			}
		}
	}
	switch n := hstsMaxAge(got.header); {
	case secure && n < 365*24*3600:
		t.Errorf("%s: got Strict-Transport-Security %q, want a max-age of at least a year", what, got.header.Get("Strict-Transport-Security"))
	case !secure && n != -1:
		t.Errorf("%s: over plain HTTP, got Strict-Transport-Security %q, want none", what, got.header.Get("Strict-Transport-Security"))
	}
	prefix := ""
	if secure {
		prefix = "__Host-"
	}
	for _, c := range got.cookies() {
		if c.Name != prefix+"session" && c.Name != prefix+raceCookieName || c.Secure != secure ||
			c.Path != "/" || c.Domain != "" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Errorf("%s: got Set-Cookie %q, want %ssession or %srace, Secure=%v, Path=/, no Domain, HttpOnly, SameSite=Lax",
				what, c.String(), prefix, prefix, secure)
		}
	}
	if got.status != http.StatusOK {
		checkNoInternalText(t, what, got.body)
	}
}

// hstsMaxAge returns the max-age of a Strict-Transport-Security header,
// or -1 if it has none.
func hstsMaxAge(h http.Header) int {
	for _, d := range strings.Split(h.Get("Strict-Transport-Security"), ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(d), "max-age="); ok {
			if n, err := strconv.Atoi(v); err == nil {
				return n
			}
		}
	}
	return -1
}

// checkSecurityHeaders checks the headers every response carries.
func checkSecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s: got %s %q, want %q", what, k, got, v)
		}
	}
	if got := h.Get("Referrer-Policy"); got == "" {
		t.Errorf("%s: no Referrer-Policy", what)
	}
	if got := h.Get("Content-Security-Policy"); !strings.Contains(got, "frame-ancestors 'none'") ||
		!strings.Contains(got, "default-src 'none'") {
		t.Errorf("%s: got Content-Security-Policy %q, want default-src and frame-ancestors 'none'", what, got)
	}
}
