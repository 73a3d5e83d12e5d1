package web

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

// raceRuns is how many races the lost update gets to show in: on the
// emulator each race measured kept only a few naive clicks of 20.
const raceRuns = 3

func TestRace_atomicKeepsAllNaiveLosesSome(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	if got := v.click(); got != 1 {
		t.Fatalf("first click: got count %d, want 1", got)
	}
	lostSome := false
	for run := 1; run <= raceRuns; run++ {
		var got raceResult
		v.postJSON("/race", nil, http.StatusOK, &got)
		t.Logf("run %d: naive kept %d of %d, atomic %d", run, got.Naive, got.Sent, got.Atomic)
		if got.Sent != raceClicks || got.Atomic != got.Sent {
			t.Errorf("run %d: got sent %d, atomic %d; want %d and %d", run, got.Sent, got.Atomic, raceClicks, raceClicks)
		}
		if got.Naive < 1 || got.Naive > got.Sent {
			t.Errorf("run %d: got naive %d, want 1 to %d", run, got.Naive, got.Sent)
		}
		lostSome = lostSome || got.Naive < got.Sent
	}
	if !lostSome {
		t.Errorf("the naive way kept every click in %d races, want some lost in at least one", raceRuns)
	}
	if got := v.count(); got != 1 {
		t.Errorf("after the races: got count %d, want 1 (untouched)", got)
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

// A race is raceCommits commits: the reset, then one per click of each way.
const raceCommits = 1 + 2*raceClicks

func TestRace_boundedPerInstance(t *testing.T) {
	a := newApp(t)
	visitors := make([]*visitor, 10)
	for i := range visitors {
		visitors[i] = newVisitor(t, a)
	}
	a.calls.Reset()
	answers := make([]answer, len(visitors))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, v := range visitors {
		wg.Go(func() {
			<-start
			answers[i] = v.send("POST", "/race", map[string][]string{}, true)
		})
	}
	close(start)
	wg.Wait()
	ran, refused := 0, 0
	for i, ans := range answers {
		switch {
		case ans.err != nil:
			t.Errorf("visitor %d: %v", i, ans.err)
		case ans.status == http.StatusOK:
			ran++
		case ans.status == http.StatusTooManyRequests:
			refused++
			if ans.header.Get("Retry-After") == "" {
				t.Errorf("visitor %d: 429 without Retry-After", i)
			}
		default:
			t.Errorf("visitor %d: got status %d, body %q; want 200 or 429", i, ans.status, ans.body)
		}
	}
	commits := a.calls.Calls()["Commit"]
	t.Logf("%d races ran, %d refused, %d commits", ran, refused, commits)
	if ran == 0 || refused == 0 {
		t.Errorf("got %d races run and %d refused, want some of each", ran, refused)
	}
	if commits > racesAtOnce*raceCommits {
		t.Errorf("got %d commits, want at most %d (%d races)", commits, racesAtOnce*raceCommits, racesAtOnce)
	}
}

func TestRace_oneAtATimePerSession(t *testing.T) {
	b := raceBound{}
	release, err := b.acquire("abc")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.acquire("abc"); err != errRaceRunning {
		t.Errorf("a second race of one session: got %v, want errRaceRunning", err)
	}
	release()
	if _, err := b.acquire("abc"); err != nil {
		t.Errorf("after the first race ended: got %v, want none", err)
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
	var naive struct{ Naive int }
	v.postJSON("/race/naive", nil, http.StatusOK, &naive)
	var atomic struct{ Atomic int }
	v.postJSON("/race/atomic", nil, http.StatusOK, &atomic)
	if naive.Naive != 1 || atomic.Atomic != 1 {
		t.Errorf("one click each: got naive %d, atomic %d; want 1 and 1", naive.Naive, atomic.Atomic)
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

func TestRace_concurrentAtomicPostsAllCounted(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.postJSON("/race/reset", nil, http.StatusOK, nil) // the session exists before the burst
	answers := make([]answer, raceClicks)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() { answers[i] = v.send("POST", "/race/atomic", map[string][]string{}, true) })
	}
	wg.Wait()
	for i, ans := range answers {
		if ans.err != nil || ans.status != http.StatusOK {
			t.Errorf("click %d: got status %d, error %v", i, ans.status, ans.err)
		}
	}
	var got raceResult
	v.getJSON("/race", http.StatusOK, &got)
	if got.Atomic != raceClicks {
		t.Errorf("after %d concurrent atomic clicks: got %d counted", raceClicks, got.Atomic)
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
