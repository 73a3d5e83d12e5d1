package web

import (
	"maps"
	"net/http"
	"net/url"
	"sync"
	"testing"
)

// What each request costs in Datastore calls, request by request: a read
// of what a visitor has is one Lookup (of the session, or of the race
// alone); a write is one Commit, in at most 3 calls; and a request with
// nothing stored to read costs none: a new visitor's pages, Knuth's first
// hint, a cookie that does not verify.
func TestCounter_datastoreCallsPerRequest(t *testing.T) {
	a := newApp(t)
	fresh, returning := newVisitor(t, a), newVisitor(t, a)
	returning.click()
	startRace(returning)
	c := returning.cookies()[0]
	tampered := http.Header{"Cookie": {c.Name + "=" + c.Value[:len(c.Value)-4] + "AAA="}}
	none, lookup := map[string]int{}, map[string]int{"Lookup": 1}
	for _, tt := range []struct {
		name         string
		v            *visitor
		method, path string
		header       http.Header
		want         map[string]int // nil: a write
	}{
		{"new visitor", fresh, "GET", "/counter", nil, none},
		{"new visitor", fresh, "GET", "/mastermind", nil, none},
		{"new visitor's first hint", fresh, "GET", "/mastermind/hint", nil, none},
		{"new visitor", fresh, "GET", "/race", nil, none},
		{"tampered cookie", fresh, "GET", "/counter", tampered, none},
		{"returning visitor", returning, "GET", "/counter", nil, lookup},
		{"returning visitor", returning, "GET", "/mastermind", nil, lookup},
		{"returning visitor's race", returning, "GET", "/race", nil, lookup},
		{"the class's figures", fresh, "GET", "/class", nil, map[string]int{"RunQuery": 1}},
		{"click", returning, "POST", "/counter", nil, nil},
		{"first guess of a session", fresh, "POST", "/mastermind/guess", nil, nil},
		{"first guess of a game", returning, "POST", "/mastermind/guess", nil, nil},
		{"naive race click", returning, "POST", "/race/naive", nil, map[string]int{"Lookup": 1, "Commit": 1}},
		{"atomic race click", returning, "POST", "/race/atomic", nil, nil},
	} {
		var form url.Values
		if tt.method == "POST" {
			form = url.Values{"guess": {"1234"}}
		}
		a.calls.Reset()
		got := tt.v.sendWith(tt.method, tt.path, form, true, tt.header)
		what := tt.name + ": " + tt.method + " " + tt.path
		if got.err != nil || got.status != http.StatusOK {
			t.Errorf("%s: got %d (%v), want 200; body %.200s", what, got.status, got.err, got.body)
		}
		calls := a.calls.Calls()
		switch {
		case tt.want == nil && (calls["Commit"] != 1 || a.calls.Total() > 3):
			t.Errorf("%s: got calls %v, want exactly 1 Commit and at most 3 calls", what, calls)
		case tt.want != nil && !maps.Equal(calls, tt.want):
			t.Errorf("%s: got calls %v, want %v", what, calls, tt.want)
		}
	}
}

func TestCounter_concurrentClicksAllCounted(t *testing.T) {
	const clicks = 50
	a := newApp(t)
	v := newVisitor(t, a)
	v.click() // the session exists before the burst
	var wg sync.WaitGroup
	for range clicks {
		wg.Go(func() { v.click() })
	}
	wg.Wait()
	if got := v.count(); got != clicks+1 {
		t.Errorf("got count %d, want %d", got, clicks+1)
	}
}

// Without SESSION_KEYS, the first instance's warmup creates the keys (one
// commit), so that its first click costs only its own; a second instance
// (or the first's restart) loads them without a commit, and the two agree
// on the sessions: all is in Datastore.
func TestCounter_twoInstancesShareSessions(t *testing.T) {
	cfg := testConfig(t)
	cfg.SessionKeys = nil
	a := startApp(t, cfg)
	if got := newVisitor(t, a).send("GET", "/_ah/warmup", nil, false); got.status != http.StatusOK || a.calls.Calls()["Commit"] != 1 {
		t.Fatalf("warmup: got status %d (%v) and calls %v, want 200 and the keys created (one Commit)", got.status, got.err, a.calls.Calls())
	}
	a.calls.Reset()
	va := newVisitor(t, a)
	va.click()
	if got := a.calls.Calls(); got["Commit"] != 1 || a.calls.Total() != 1 {
		t.Errorf("first click after warmup: got calls %v, want only its own Commit", got)
	}
	b := startApp(t, cfg)
	checkReadsWriteNothing(t, b, newVisitor(t, b))
	vb := va.at(b)
	if got := vb.click(); got != 2 {
		t.Fatalf("second instance: got count %d, want 2", got)
	}
	if got := va.count(); got != 2 {
		t.Errorf("first instance: got count %d, want 2", got)
	}
}
