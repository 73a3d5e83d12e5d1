package web

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// One race: the atomic way keeps every click; the naive way keeps from 1 to
// all of them, which is chance, so its figure is logged, not asserted
// (docs/benchmarks.md has the figures over many runs). The visitor's own
// count is untouched.
func TestRace_atomicKeepsEveryClickAndTheCountIsUntouched(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	if got := v.click(); got != 1 {
		t.Fatalf("first click: got count %d, want 1", got)
	}
	var got raceResult
	v.postJSON("/race", nil, http.StatusOK, &got)
	t.Logf("naive kept %d of %d, atomic %d", got.Naive, got.Sent, got.Atomic)
	if got.Sent != raceClicks || got.Atomic != got.Sent || got.Naive < 1 || got.Naive > got.Sent {
		t.Errorf("got %+v, want sent %d, atomic %d, naive 1 to %d", got, raceClicks, raceClicks, raceClicks)
	}
	if got := v.count(); got != 1 {
		t.Errorf("after the race: got count %d, want 1 (untouched)", got)
	}
}

func TestRace_pageShowsNoResultAndWritesNothingBeforeARace(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	resp := v.do("GET", "/race", nil, false)
	body := text(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Send 20 clicks at once") || !strings.Contains(body, "No race yet") {
		t.Errorf("GET /race: got status %d and a page without the button or the no-race note", resp.StatusCode)
	}
	if got := a.calls.Calls()["Commit"]; got != 0 {
		t.Errorf("GET /race: got %d commits, want 0", got)
	}
	if c := resp.Header.Values("Set-Cookie"); len(c) != 0 {
		t.Errorf("GET /race: got Set-Cookie %q, want none", c)
	}
}

func TestRace_formRedirectsToTheResult(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	resp := v.do("POST", "/race", map[string][]string{}, false)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/race" {
		t.Fatalf("POST /race: got %d to %q, want 303 to /race", resp.StatusCode, resp.Header.Get("Location"))
	}
	body := text(t, v.do("GET", "/race", nil, false))
	if !strings.Contains(body, `id="atomic"><span class="num">20</span> of 20`) {
		t.Errorf("GET /race after a race: the page does not show atomic 20 of 20")
	}
}

// A new visitor's race is raceCommits commits: the session it is filed
// under, the race's start, then one per click of each way.
const raceCommits = 2 + 2*raceClicks

// An instance runs racesAtOnce races at a time: beyond them, a race is
// 429 with Retry-After and writes nothing.
func TestRace_boundedPerInstance(t *testing.T) {
	a := newApp(t)
	for range racesAtOnce {
		release, err := a.srv.raceBound.acquire()
		if err != nil {
			t.Fatal(err)
		}
		defer release()
	}
	a.calls.Reset()
	ans := newVisitor(t, a).send("POST", "/race", url.Values{}, true)
	if ans.status != http.StatusTooManyRequests || ans.header.Get("Retry-After") == "" || !strings.Contains(ans.body, "Other races") {
		t.Errorf("a race beyond the bound: got %d, Retry-After %q, body %.200s; want 429 with one", ans.status, ans.header.Get("Retry-After"), ans.body)
	}
	if n := a.calls.Total(); n != 0 {
		t.Errorf("got Datastore calls %v, want none", a.calls.Calls())
	}
}

// The endpoints static/race.js runs a race through, one click a request.
func TestRace_endpointsCountOneClickEach(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	if got := v.click(); got != 1 {
		t.Fatalf("first click: got count %d, want 1", got)
	}
	var reset raceResult
	v.postJSON("/race/reset", nil, http.StatusOK, &reset)
	if reset != (raceResult{Sent: raceClicks}) {
		t.Errorf("POST /race/reset: got %+v, want sent %d and both 0", reset, raceClicks)
	}
	var naive, atomic raceResult
	v.postJSON("/race/naive", nil, http.StatusOK, &naive)
	v.postJSON("/race/atomic", nil, http.StatusOK, &atomic)
	if naive != (raceResult{Sent: raceClicks, Naive: 1}) || atomic != (raceResult{Sent: raceClicks, Naive: 1, Atomic: 1}) {
		t.Errorf("one click each: got %+v and %+v; want the race's counts after each", naive, atomic)
	}
	var got raceResult
	v.getJSON("/race", http.StatusOK, &got)
	if got != (raceResult{Sent: raceClicks, Naive: 1, Atomic: 1}) {
		t.Errorf("GET /race: got %+v, want naive 1 and atomic 1 of %d", got, raceClicks)
	}
	if got := v.count(); got != 1 {
		t.Errorf("after the clicks: got count %d, want 1 (untouched)", got)
	}
}

func TestRace_endpointsRedirectAForm(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	for _, path := range []string{"/race/reset", "/race/naive", "/race/atomic"} {
		resp := v.do("POST", path, map[string][]string{}, false)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/race" {
			t.Errorf("POST %s: got %d to %q, want 303 to /race", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	body := text(t, v.do("GET", "/race", nil, false))
	if !strings.Contains(body, `id="atomic"><span class="num">1</span> of 20`) {
		t.Errorf("GET /race after one click of each: the page does not show atomic 1 of 20")
	}
}

func TestRace_scriptIsServedAndOnlyOnTheRacePage(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	resp := v.do("GET", "/static/race.js", nil, false)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("GET /static/race.js: got %d, Content-Type %q; want 200, text/javascript; charset=utf-8",
			resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") {
		t.Errorf("got Content-Security-Policy %q, want script-src 'self'", csp)
	}
	const tag = `<script src="/static/race.js" defer></script>`
	for path, want := range map[string]bool{"/race": true, "/counter": false, "/": false} {
		if got := strings.Contains(text(t, v.do("GET", path, nil, false)), tag); got != want {
			t.Errorf("GET %s: has the script: %v, want %v", path, got, want)
		}
	}
}

// A click with no race started answers 409, writes nothing and sets no
// cookie: for a visitor without a session, and for one with a session but
// no race.
func TestRace_clickWithoutARaceIs409AndWritesNothing(t *testing.T) {
	a := newApp(t)
	withSession := newVisitor(t, a)
	withSession.click()
	for _, tt := range []struct {
		name string
		v    *visitor
	}{{"no session", newVisitor(t, a)}, {"a session, no race", withSession}} {
		for _, path := range []string{"/race/naive", "/race/atomic"} {
			for _, asJSON := range []bool{false, true} {
				a.calls.Reset()
				ans := tt.v.send("POST", path, url.Values{}, asJSON)
				what := tt.name + ": POST " + path + format(asJSON)
				if ans.err != nil || ans.status != http.StatusConflict || !strings.Contains(ans.body, "start one") {
					t.Errorf("%s: got %d (%v), body %.200q; want 409 saying to start a race", what, ans.status, ans.err, ans.body)
				}
				if n := a.calls.Calls()["Commit"]; n != 0 {
					t.Errorf("%s: got %d commits, want none", what, n)
				}
				if c := ans.header.Values("Set-Cookie"); len(c) != 0 {
					t.Errorf("%s: got Set-Cookie %q, want none", what, c)
				}
			}
		}
	}
}

// naiveClicker sends naive race clicks on v's session from 8 clients until
// stop is closed, and returns a function that waits for them.
func naiveClicker(t *testing.T, v *visitor, stop chan struct{}) (wait func()) {
	t.Helper()
	var wg sync.WaitGroup
	for range 8 {
		c := v.clone()
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if ans := c.send("POST", "/race/naive", url.Values{}, true); ans.err != nil || ans.status >= 500 {
					t.Errorf("naive click: got %d (%v), body %.200q", ans.status, ans.err, ans.body)
					return
				}
			}
		})
	}
	return wg.Wait
}

// While 8 clients send naive race clicks on a visitor's cookie, every click
// and guess the visitor makes is kept: the race writes its own record,
// never the session.
func TestRace_naiveClicksKeepTheVisitorsClicksAndGuesses(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.postJSON("/race/reset", nil, http.StatusOK, nil)
	stop := make(chan struct{})
	wait := naiveClicker(t, v, stop)
	for range 6 {
		v.click()
	}
	v.guess("1122")
	v.guess("3456")
	close(stop)
	wait()
	if got := v.count(); got != 6 {
		t.Errorf("got count %d, want 6", got)
	}
	if g := v.game(); len(g.Turns) != 2 || g.Status != "playing" {
		t.Errorf("got %d turns, status %s; want 2, playing", len(g.Turns), g.Status)
	}
	var res raceResult
	v.getJSON("/race", http.StatusOK, &res)
	t.Logf("the naive clicks kept %d", res.Naive)
}

// A session ended while naive clicks are in flight stays ended: the old
// cookie finds neither the session nor its race, and no click brings the
// race back (its write is an update of a race that exists).
func TestRace_sessionEndedDuringNaiveClicksStaysEnded(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.click()
	v.postJSON("/race/reset", nil, http.StatusOK, nil)
	old := v.clone() // the old cookie, kept
	stop := make(chan struct{})
	wait := naiveClicker(t, old, stop)
	v.postJSON("/session/end", nil, http.StatusOK, nil)
	close(stop)
	wait()
	if got := old.count(); got != 0 {
		t.Errorf("the old cookie: got count %d, want 0", got)
	}
	var res raceResult
	old.getJSON("/race", http.StatusOK, &res)
	if res.Naive != 0 || res.Atomic != 0 {
		t.Errorf("the old cookie: got race %+v, want none", res)
	}
	old.postJSON("/race/naive", nil, http.StatusConflict, nil)
}

// The race is the session's as the store resolves it: junk cookies of the
// same name in front of the valid one reach the same race (and so the same
// one-race-at-a-time bound, which the race keeps in its record).
func TestRace_junkCookiesInFrontAreTheSameSession(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	startRace(v)
	valid := v.cookies()[0]
	ans := newVisitor(t, a).sendRaw("POST", "/race/naive", "", http.Header{
		"Accept":       {"application/json"},
		"Content-Type": {"application/x-www-form-urlencoded"},
		"Cookie":       {"session=junk; session=" + valid.Value},
	})
	if ans.status != http.StatusOK || len(ans.header.Values("Set-Cookie")) != 0 {
		t.Fatalf("a click with a junk cookie in front: got %d, Set-Cookie %q; want 200 and none", ans.status, ans.header.Values("Set-Cookie"))
	}
	var got raceResult
	v.getJSON("/race", http.StatusOK, &got)
	if got.Naive != 1 {
		t.Errorf("the visitor's race: got naive %d, want the click counted there", got.Naive)
	}
}

// GET /race as JSON reads the race alone: one Lookup, none without a
// session cookie.
func TestRace_readCostsOneLookup(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	a.calls.Reset()
	v.getJSON("/race", http.StatusOK, nil)
	if n := a.calls.Total(); n != 0 {
		t.Errorf("no cookie: got Datastore calls %v, want none", a.calls.Calls())
	}
	v.postJSON("/race/reset", nil, http.StatusOK, nil)
	a.calls.Reset()
	v.getJSON("/race", http.StatusOK, nil)
	if got, want := a.calls.Calls(), map[string]int{"Lookup": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("with a race: got Datastore calls %v, want %v", got, want)
	}
}

// The cookie of an ended session starts no race of its own: a reset with it
// gives the visitor a new session (and cookie) for the race, and its clicks
// and reads find nothing.
func TestRace_anEndedSessionsCookieStartsNoRace(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.click()
	old := v.cookies()[0]
	v.postJSON("/session/end", nil, http.StatusOK, nil)
	replay := func(method, path string) answer {
		h := http.Header{"Accept": {"application/json"}, "Cookie": {old.Name + "=" + old.Value}}
		if method == "POST" {
			h.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		return newVisitor(t, a).sendRaw(method, path, "", h)
	}
	reset := replay("POST", "/race/reset")
	var fresh *http.Cookie
	for _, line := range reset.header.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == old.Name && c.Value != "" {
			fresh = c
		}
	}
	if reset.status != http.StatusOK || fresh == nil || fresh.Value == old.Value {
		t.Fatalf("reset with the old cookie: got %d, Set-Cookie %q; want 200 and a new session's cookie", reset.status, reset.header.Values("Set-Cookie"))
	}
	for _, path := range []string{"/race/naive", "/race/atomic"} {
		if got := replay("POST", path); got.status != http.StatusConflict {
			t.Errorf("POST %s with the old cookie: got %d, want 409", path, got.status)
		}
	}
	if got := replay("GET", "/race"); !strings.Contains(got.body, `"naive":0,"atomic":0`) {
		t.Errorf("GET /race with the old cookie: got %s, want no race", got.body)
	}
}
