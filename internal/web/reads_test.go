package web

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// checkReadsWriteNothing sends GET and HEAD of every GET route's sample,
// as HTML and as JSON, for v, and checks that none commits to Datastore or
// sets a cookie, and each is as checkAnswer has it. The cleanup task is
// sent without the cron header, which App Engine strips from visitors'
// requests: with it, the task is the contract's one GET that writes.
func checkReadsWriteNothing(t *testing.T, a *app, v *visitor) {
	t.Helper()
	for _, r := range samplesOf(t, isGet) {
		path := r.path
		for _, method := range []string{"GET", "HEAD"} {
			for _, asJSON := range []bool{false, true} {
				what := method + " " + path + format(asJSON)
				a.calls.Reset()
				got := v.send(method, path, nil, asJSON)
				if got.err != nil || got.status >= 500 {
					t.Errorf("%s: got %d (%v), want an answer; body %.200s", what, got.status, got.err, got.body)
					continue
				}
				if c := got.header.Values("Set-Cookie"); len(c) != 0 {
					t.Errorf("%s: got Set-Cookie %q, want none", what, c)
				}
				if calls := a.calls.Calls(); calls["Commit"] != 0 || calls["BeginTransaction"] != 0 {
					t.Errorf("%s: got Datastore calls %v, want no commit or transaction", what, calls)
				}
				checkAnswer(t, what, got, a.srv.cfg.Secure)
			}
		}
	}
}

// A first visit to any page writes nothing and sets no cookie.
func TestRead_newVisitorWritesNothing(t *testing.T) {
	a := newApp(t)
	checkReadsWriteNothing(t, a, newVisitor(t, a))
}

// A returning visitor's reads write nothing either, not even to push the
// session's expiry back when that is due: a GET makes no Datastore commit.
// The visitor who only clicked views the game before playing, and one who
// plays views the game in progress.
func TestRead_returningVisitorWritesNothingEvenWhenRenewalIsDue(t *testing.T) {
	t.Parallel() // it mostly waits
	cfg := testConfig(t)
	cfg.MaxAge = 10 // renewal is due after a tenth of it: 1 s
	a := startApp(t, cfg)
	clicker, player := newVisitor(t, a), newVisitor(t, a)
	clicker.click()
	player.guess("1122")
	startRace(player)
	time.Sleep(1200 * time.Millisecond)

	checkReadsWriteNothing(t, a, clicker)
	checkReadsWriteNothing(t, a, player)

	if g := clicker.game(); len(g.Turns) != 0 || g.Status != "playing" || g.Secret != "" {
		t.Errorf("clicker: got game %+v, want an empty board", g)
	}
	if got, want := clicker.hint(), (hintView{Guess: "1122", Remaining: 1296}); got != want {
		t.Errorf("clicker: got hint %+v, want %+v", got, want)
	}
	// A POST writes, and so renews.
	resp := clicker.send("POST", "/counter", url.Values{}, true)
	if c := resp.header.Values("Set-Cookie"); resp.status != http.StatusOK || len(c) != 1 {
		t.Errorf("click: got %d with Set-Cookie %q, want 200 with the renewed cookie", resp.status, c)
	}
	checkAnswer(t, "click", resp, false)
	checkAnswer(t, "POST /stateless", clicker.send("POST", "/stateless", url.Values{}, false), false)
}
