package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestPanel_showsSessionValuesAndCookie(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.click()
	v.click()
	page := text(t, v.do("GET", "/counter", nil, false))
	for _, want := range []string{"What is in my session", "<code>count</code></td><td><code>2</code>", "session=", "End my session"} {
		if !strings.Contains(page, want) {
			t.Errorf("counter page lacks %q", want)
		}
	}
	c := v.cookies()[0]
	m := regexp.MustCompile(`(\d+) bytes: a signed`).FindStringSubmatch(page)
	if want := len(c.Name) + 1 + len(c.Value); m == nil || m[1] != strconv.Itoa(want) {
		t.Errorf("got cookie size %v, want %d", m, want)
	}
}

func TestPanel_newVisitorHasNothing(t *testing.T) {
	a := newApp(t)
	page := text(t, newVisitor(t, a).do("GET", "/counter", nil, false))
	if !strings.Contains(page, "No session cookie yet") || strings.Contains(page, "<table class=\"values\">") {
		t.Error("a new visitor's panel does not say the session is empty")
	}
}

func TestWarmup_createsKeysBeforeTraffic(t *testing.T) {
	cfg := testConfig(t)
	cfg.SessionKeys = nil // keys from Datastore
	a := startApp(t, cfg)
	resp, err := http.Get(a.URL + "/_ah/warmup")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got status %d, want 200", resp.StatusCode)
	}
	if a.calls.Calls()["Commit"] != 1 {
		t.Errorf("got calls %v, want the key created (one Commit)", a.calls.Calls())
	}
	a.calls.Reset()
	v := newVisitor(t, a)
	v.click()
	if got := a.calls.Calls(); got["Commit"] != 1 || a.calls.Total() != 1 {
		t.Errorf("first click after warmup: got calls %v, want only its own Commit", got)
	}
}

// The game's values read in the panel as they are stored: the guesses as
// typed, and the secret once the game is over.
func TestPanel_showsTheGameAsStored(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.guess("1122")
	v.guess("3456")
	page := text(t, v.do("GET", "/mastermind", nil, false))
	for _, want := range []string{
		"<code>guessList</code></td><td><code>[1122 3456]</code>",
		"<code>secret</code></td><td><code>(hidden while the game is on)</code>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("playing: the panel lacks %q", want)
		}
	}
	won := v.playToWin()
	page = text(t, v.do("GET", "/mastermind", nil, false))
	if want := "<code>secret</code></td><td><code>" + won.Secret + "</code>"; !strings.Contains(page, want) {
		t.Errorf("game over: the panel lacks %q", want)
	}
}
