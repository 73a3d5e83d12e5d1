package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"cloud.google.com/go/datastore"

	"github.com/gae-lessons/sessions-go/internal/race"
)

// raceRecords returns how many race records a's namespace holds.
func raceRecords(t *testing.T, a *app) int {
	t.Helper()
	q := datastore.NewQuery(race.Kind).Namespace(a.srv.cfg.Namespace).KeysOnly()
	keys, err := a.client.GetAll(context.Background(), q, nil)
	if err != nil {
		t.Fatal(err)
	}
	return len(keys)
}

// Two races started at once never share a record, whoever starts them:
// each counts its own 20 atomic clicks. The naive way keeps from 1 to all
// of them, which is chance, so its figure is logged, not asserted
// (docs/benchmarks.md has the figures over many runs). A race touches
// nothing of the visitor's, sets no cookie, and leaves no record behind.
func TestRace_twoAtOnceEachCountTheirOwn(t *testing.T) {
	for _, tt := range []struct {
		name               string
		clients, instances int
	}{{"one client", 1, 1}, {"two clients", 2, 1}, {"one client, two instances", 1, 2}} {
		t.Run(tt.name, func(t *testing.T) {
			a := newApp(t)
			b := a
			if tt.instances == 2 {
				b = startApp(t, a.srv.cfg)
			}
			v := newVisitor(t, a)
			w := v
			if tt.instances == 2 {
				w = v.at(b)
			}
			if tt.clients == 2 {
				w = newVisitor(t, b)
			}
			v.click()
			var got [2]answer
			var wg sync.WaitGroup
			for i, c := range []*visitor{v, w} {
				wg.Go(func() { got[i] = c.send("POST", "/race", url.Values{}, true) })
			}
			wg.Wait()
			for _, ans := range got {
				var res raceResult
				if err := json.Unmarshal([]byte(ans.body), &res); err != nil || ans.status != http.StatusOK ||
					res != (raceResult{Sent: raceClicks, Naive: res.Naive, Atomic: raceClicks}) || res.Naive < 1 || res.Naive > raceClicks {
					t.Errorf("got %d %s (%v), want 200 with sent and atomic %d, naive 1 to %[4]d", ans.status, ans.body, ans.err, raceClicks)
				}
				if c := ans.header.Values("Set-Cookie"); len(c) != 0 {
					t.Errorf("got Set-Cookie %q, want none", c)
				}
				t.Logf("naive kept %d of %d", res.Naive, raceClicks)
			}
			if got := v.count(); got != 1 {
				t.Errorf("after the races: got count %d, want 1 (untouched)", got)
			}
			if n := raceRecords(t, a); n != 0 {
				t.Errorf("got %d race records after the races, want none", n)
			}
		})
	}
}

// An instance runs racesAtOnce races at a time: beyond them, a race is
// 429 with Retry-After and writes nothing.
func TestRace_boundedPerInstance(t *testing.T) {
	a := newApp(t)
	for range racesAtOnce {
		a.srv.raceSlots <- struct{}{}
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

// The endpoints static/race.js runs a race through, one click a request,
// on the race whose id the reset's cookie carries, which the race page
// shows too; ending the session leaves the race as it is.
func TestRace_endpointsCountOneClickEach(t *testing.T) {
	v := newVisitor(t, newApp(t))
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
	v.postJSON("/session/end", nil, http.StatusOK, nil)
	v.postJSON("/race/atomic", nil, http.StatusOK, &atomic)
	var got raceResult
	v.getJSON("/race", http.StatusOK, &got)
	if got != (raceResult{Sent: raceClicks, Naive: 1, Atomic: 2}) {
		t.Errorf("GET /race after the session ended and one more click: got %+v, want naive 1 and atomic 2 of %d", got, raceClicks)
	}
	if page := v.send("GET", "/race", nil, false).body; !strings.Contains(page, `id="atomic"><span class="num">2</span> of 20`) {
		t.Errorf("the race page does not show atomic 2 of 20")
	}
}

// Only the race page loads static/race.js (which the browser test runs).
func TestRace_scriptIsOnlyOnTheRacePage(t *testing.T) {
	v := newVisitor(t, offlineApp(t))
	const tag = `<script src="/static/race.js" defer></script>`
	for path, want := range map[string]bool{"/race": true, "/counter": false, "/": false} {
		if got := strings.Contains(v.send("GET", path, nil, false).body, tag); got != want {
			t.Errorf("GET %s: has the script: %v, want %v", path, got, want)
		}
	}
}
