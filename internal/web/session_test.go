package web

import (
	"net/http"
	"net/url"
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

	resp := v.send("POST", "/session/end", url.Values{}, true)
	var got struct{ Ended bool }
	decode(t, "POST /session/end", resp, http.StatusOK, &got)
	if !got.Ended {
		t.Error(`got "ended": false, want true`)
	}
	cleared := false
	for _, c := range resp.cookies() {
		cleared = cleared || (c.Name == a.srv.cookieName() && c.MaxAge < 0)
	}
	if !cleared {
		t.Errorf("got Set-Cookie %q, want the session cookie cleared", resp.header.Values("Set-Cookie"))
	}
	// The session is gone on the server, not only from the browser.
	replay := newVisitor(t, a).sendWith("GET", "/counter", nil, true, http.Header{"Cookie": {old.Name + "=" + old.Value}})
	var c struct{ Count int }
	decode(t, "GET /counter", replay, http.StatusOK, &c)
	if c.Count != 0 {
		t.Errorf("replayed cookie: got count %d, want 0", c.Count)
	}
}

func TestCleanup_deletesExpiredSessions(t *testing.T) {
	t.Parallel() // it mostly waits
	short := testConfig(t)
	short.MaxAge = 1
	a := startApp(t, short)
	const visitors = 3
	for range visitors {
		newVisitor(t, a).click()
	}
	time.Sleep(1100 * time.Millisecond) // let the 1-second sessions expire
	long := short
	long.MaxAge = sessionstore.DefaultMaxAge
	live := newVisitor(t, startApp(t, long))
	live.click()

	resp := newVisitor(t, a).sendWith("GET", "/tasks/cleanup-sessions", nil, true, http.Header{"X-Appengine-Cron": {"true"}})
	var got struct{ Deleted int }
	decode(t, "GET /tasks/cleanup-sessions", resp, http.StatusOK, &got)
	if got.Deleted != visitors {
		t.Errorf("got %d deleted, want %d", got.Deleted, visitors)
	}
	if n := live.count(); n != 1 {
		t.Errorf("live session: got count %d, want 1", n)
	}
	line := findLine(t, jsonLines(t, a.log.String()), "deleted expired sessions")
	if line["severity"] != "INFO" || line["deleted"] != float64(visitors) {
		t.Errorf("got log line %v, want severity INFO and deleted %d", line, visitors)
	}
}
