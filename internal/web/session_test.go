package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/sessionstore"
)

func TestEndSession_deletesAndClearsCookie(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.click()
	v.guess("1122")
	old := v.cookies()[0]

	resp := v.do("POST", "/session/end", nil, true)
	var got struct{ Ended bool }
	decode(t, resp, http.StatusOK, &got)
	if !got.Ended {
		t.Error(`got "ended": false, want true`)
	}
	cleared := false
	for _, c := range resp.Cookies() {
		cleared = cleared || (c.Name == a.srv.cookieName() && c.MaxAge < 0)
	}
	if !cleared {
		t.Errorf("got Set-Cookie %q, want the session cookie cleared", resp.Header.Values("Set-Cookie"))
	}
	if got := v.count(); got != 0 {
		t.Errorf("after ending: got count %d, want 0", got)
	}

	replay := newVisitor(t, a)
	req, _ := http.NewRequest("GET", a.URL+"/counter", nil)
	req.Header.Set("Accept", "application/json")
	req.AddCookie(&http.Cookie{Name: old.Name, Value: old.Value})
	r, err := replay.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ Count int }
	decode(t, r, http.StatusOK, &c)
	if c.Count != 0 {
		t.Errorf("replayed cookie: got count %d, want 0", c.Count)
	}
}

func TestEndSession_fromBrowserRedirectsHome(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.click()
	resp := v.do("POST", "/session/end", nil, false)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Errorf("got %d to %q, want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestCleanup_refusesRequestsNotFromCron(t *testing.T) {
	a := offlineApp(t)
	v := newVisitor(t, a)
	var got struct{ Error string }
	v.getJSON("/tasks/cleanup-sessions", http.StatusForbidden, &got)
	if got.Error == "" {
		t.Error("got no error message")
	}
	if n := a.calls.Total(); n != 0 {
		t.Errorf("got %d Datastore calls, want 0", n)
	}
}

func TestCleanup_deletesExpiredSessions(t *testing.T) {
	short := testConfig(t)
	short.MaxAge = 1
	a, log := loggedApp(t, short)
	const visitors = 3
	for range visitors {
		newVisitor(t, a).click()
	}
	time.Sleep(1100 * time.Millisecond) // let the 1-second sessions expire
	long := short
	long.MaxAge = sessionstore.DefaultMaxAge
	live := newVisitor(t, startApp(t, long))
	live.click()

	req, _ := http.NewRequest("GET", a.URL+"/tasks/cleanup-sessions", nil)
	req.Header.Set("X-Appengine-Cron", "true")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Deleted int }
	decode(t, resp, http.StatusOK, &got)
	if got.Deleted != visitors {
		t.Errorf("got %d deleted, want %d", got.Deleted, visitors)
	}
	if n := live.count(); n != 1 {
		t.Errorf("live session: got count %d, want 1", n)
	}
	line := findLine(t, jsonLines(t, log.String()), "deleted expired sessions")
	if line["severity"] != "INFO" || line["deleted"] != float64(visitors) {
		t.Errorf("got log line %v, want severity INFO and deleted %d", line, visitors)
	}
}

func TestCleanup_failureIsLoggedAsErrorWithCountSoFar(t *testing.T) {
	h, log := loggedServer(t, true) // its Datastore refuses every connection
	r := httptest.NewRequest("GET", "/tasks/cleanup-sessions", nil)
	r.Header.Set("X-Appengine-Cron", "true")
	r.Header.Set("Accept", "application/json")
	serveUnavailable(t, h, r)
	lines := jsonLines(t, log.String())
	line := findLine(t, lines, "cleanup of expired sessions failed")
	if line["severity"] != "ERROR" || line["deleted"] != float64(0) || line["error"] == nil {
		t.Errorf("got log line %v, want severity ERROR, deleted 0 and the error", line)
	}
	for _, l := range lines {
		if l["message"] == "deleted expired sessions" {
			t.Errorf("got %v, want no line that reports success", l)
		}
	}
}

func TestRoutes_unknownPathIs404(t *testing.T) {
	a := offlineApp(t)
	v := newVisitor(t, a)
	var got struct{ Error string }
	v.getJSON("/no/such/page", http.StatusNotFound, &got)
	if got.Error == "" {
		t.Error("got no error message")
	}
	resp := v.do("GET", "/no/such/page", nil, false)
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusNotFound || ct != "text/html; charset=utf-8" {
		t.Errorf("got %d %q, want a 404 HTML page", resp.StatusCode, ct)
	}
}

func TestRoutes_wrongMethodIs405WithAllow(t *testing.T) {
	tests := []struct {
		method, path, allow string
	}{
		{"DELETE", "/counter", "GET, HEAD, POST"},
		{"GET", "/session/end", "POST"},
		{"POST", "/mastermind/hint", "GET, HEAD"},
		{"PUT", "/", "GET, HEAD"},
	}
	a := offlineApp(t)
	v := newVisitor(t, a)
	for _, tt := range tests {
		t.Run(tt.method+tt.path, func(t *testing.T) {
			resp := v.do(tt.method, tt.path, nil, true)
			if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != tt.allow {
				t.Errorf("got %d with Allow %q, want 405 with Allow %q", resp.StatusCode, resp.Header.Get("Allow"), tt.allow)
			}
		})
	}
}
