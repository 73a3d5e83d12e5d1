package web

import (
	"net/http"
	"reflect"
	"sync"
	"testing"
)

func TestCounter_newVisitorCountsZeroWithoutDatastore(t *testing.T) {
	a := offlineApp(t)
	v := newVisitor(t, a)
	resp := v.do("GET", "/counter", nil, true)
	var got struct{ Count *int }
	decode(t, resp, http.StatusOK, &got)
	if got.Count == nil || *got.Count != 0 {
		t.Errorf("got count %v, want 0", got.Count)
	}
	if c := resp.Header.Values("Set-Cookie"); len(c) != 0 {
		t.Errorf("got Set-Cookie %q, want none for an empty session", c)
	}
	if n := a.calls.Total(); n != 0 {
		t.Errorf("got %d Datastore calls (%v), want 0", n, a.calls.Calls())
	}
}

func TestCounter_clickCounts(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	for want := 1; want <= 3; want++ {
		if got := v.click(); got != want {
			t.Fatalf("click %d: got count %d, want %d", want, got, want)
		}
	}
	if got := v.count(); got != 3 {
		t.Errorf("got count %d, want 3", got)
	}
}

func TestCounter_datastoreCallsPerRequest(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.click()

	a.calls.Reset()
	v.count()
	if got, want := a.calls.Calls(), map[string]int{"Lookup": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("returning visitor reading: got calls %v, want %v", got, want)
	}

	a.calls.Reset()
	v.click()
	if got := a.calls.Calls(); got["Commit"] != 1 || a.calls.Total() > 3 {
		t.Errorf("click: got calls %v, want exactly 1 Commit and at most 3 calls", got)
	}

	tampered := newVisitor(t, a)
	a.calls.Reset()
	req, _ := http.NewRequest("GET", a.URL+"/counter", nil)
	req.Header.Set("Accept", "application/json")
	c := v.cookies()[0]
	req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value[:len(c.Value)-4] + "AAA="})
	resp, err := tampered.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Count int }
	decode(t, resp, http.StatusOK, &got)
	if got.Count != 0 || a.calls.Total() != 0 {
		t.Errorf("tampered cookie: got count %d with %d calls, want 0 with 0", got.Count, a.calls.Total())
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

func TestCounter_twoInstancesShareSessions(t *testing.T) {
	cfg := testConfig(t)
	cfg.SessionKeys = nil // both must agree on generated keys
	a := startApp(t, cfg)
	b := startApp(t, cfg)
	va := newVisitor(t, a)
	va.click()
	vb := va.at(b)
	if got := vb.click(); got != 2 {
		t.Fatalf("second instance: got count %d, want 2", got)
	}
	if got := va.count(); got != 2 {
		t.Errorf("first instance: got count %d, want 2", got)
	}
}

func TestCounter_restartLosesNothing(t *testing.T) {
	cfg := testConfig(t)
	cfg.SessionKeys = nil // the keys too must survive the restart
	before := startApp(t, cfg)
	v := newVisitor(t, before)
	v.click()
	v.click()
	before.Close()
	after := startApp(t, cfg)
	if got := v.at(after).count(); got != 2 {
		t.Errorf("after restart: got count %d, want 2", got)
	}
}
