package web

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The panel shows a new visitor that there is no session yet, and then
// the session's values and its cookie, decoded.
func TestPanel_showsSessionValuesAndCookie(t *testing.T) {
	v := newVisitor(t, newApp(t))
	if page := v.send("GET", "/counter", nil, false).body; !strings.Contains(page, "No session cookie yet") || strings.Contains(page, `<table class="values">`) {
		t.Error("a new visitor's panel does not say the session is empty")
	}
	v.click()
	before := time.Now().Truncate(time.Second)
	v.click()
	after := time.Now()
	page := v.send("GET", "/counter", nil, false).body
	c := v.cookies()[0]
	id := hex.EncodeToString(signedPayload(t, c.Name, c.Value))
	for _, want := range []string{
		"What is in my session",
		"<code>count</code></td><td><code>2</code>",
		fmt.Sprintf("The cookie <code>%s</code>, %d bytes: a signed", c.Name, len(c.Value)),
		"<dd><code>" + id[:6] + "</code>… (32 bytes)</dd>",
		"<dd>HMAC-SHA256, 32 bytes</dd>",
		"End my session",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("counter page lacks %q", want)
		}
	}
	m := regexp.MustCompile(`<time datetime="([^"]+)">`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the panel shows no signing time")
	}
	signed, err := time.Parse(time.RFC3339, m[1])
	if err != nil || signed.Before(before) || signed.After(after) {
		t.Errorf("got signing time %q (%v), want the second click's, between %v and %v", m[1], err, before, after)
	}
}

// No answer shows the cookie's value, nor the whole session id it carries
// (contract): the panel shows them decoded and abbreviated.
func TestPanel_noPageShowsTheCookie(t *testing.T) {
	v := newVisitor(t, newApp(t))
	v.guess("1122")
	c := v.cookies()[0]
	secrets := []string{c.Value, strings.TrimRight(c.Value, "="), hex.EncodeToString(signedPayload(t, c.Name, c.Value))}

	check := func(what, body string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("%s shows %q", what, s)
			}
		}
	}
	for _, path := range []string{"/", "/lesson", "/stateless", "/counter", "/mastermind", "/mastermind/hint"} {
		for _, asJSON := range []bool{false, true} {
			check(fmt.Sprintf("GET %s (JSON: %v)", path, asJSON), v.send("GET", path, nil, asJSON).body)
		}
	}
	check("POST /stateless", v.send("POST", "/stateless", url.Values{}, false).body)
	check("POST /counter (JSON)", v.send("POST", "/counter", url.Values{}, true).body)
}

// The page does not grow with the request's cookies, nor echo them: a
// cookie that does not verify is described by its size alone, and the
// panel shows the session cookies the store read (Store.Cookies), not
// every one sent, so 2,000 cookies, the valid one anywhere among them,
// give a page at most twice the usual size.
func TestPanel_cookiesDoNotGrowThePage(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.click()
	usual := v.send("GET", "/counter", nil, false)
	thousands := func(valid int) string {
		cookies := make([]string, 2000)
		for i := range cookies {
			switch {
			case i == valid:
				cookies[i] = localCookieName + "=" + v.cookies()[0].Value
			case i%2 == 0:
				cookies[i] = fmt.Sprintf("%s=junk%d", localCookieName, i)
			default:
				cookies[i] = fmt.Sprintf("other%d=x", i)
			}
		}
		return strings.Join(cookies, "; ")
	}
	invalidNote := func(value string) string {
		return fmt.Sprintf("<code>%s</code>: not a valid session cookie (%d bytes)", localCookieName, len(value))
	}
	junk := strings.Repeat("junk", 15<<10)
	otherKey := signedCookie(t, []byte("another key, 32 bytes long......"), localCookieName, []byte(strings.Repeat("k", 32)))
	for _, tt := range []struct{ name, cookie, echo, note string }{
		{"junk of 60 KB", localCookieName + "=" + junk, junk[:20], invalidNote(junk)},
		{"signed with another key", localCookieName + "=" + otherKey, otherKey[:20], invalidNote(otherKey)},
		{"2,000, the valid one first", thousands(0), "junk2", ""},
		{"2,000, the valid one third", thousands(2), "junk4", ""},
		{"2,000, the valid one last", thousands(1999), "junk0", ""},
	} {
		got := newVisitor(t, a).sendWith("GET", "/counter", nil, false, http.Header{"Cookie": {tt.cookie}})
		switch {
		case got.err != nil || got.status != http.StatusOK:
			t.Errorf("%s: got status %d, error %v; want 200", tt.name, got.status, got.err)
		case len(got.body) > 2*len(usual.body):
			t.Errorf("%s: got a %d-byte page, want at most twice the usual %d", tt.name, len(got.body), len(usual.body))
		case strings.Contains(got.body, tt.echo):
			t.Errorf("%s: the page echoes the cookie's text %q", tt.name, tt.echo)
		case !strings.Contains(got.body, tt.note):
			t.Errorf("%s: the panel lacks %q", tt.name, tt.note)
		}
	}
}

func TestWarmup_createsKeysBeforeTraffic(t *testing.T) {
	cfg := testConfig(t)
	cfg.SessionKeys = nil // keys from Datastore
	a := startApp(t, cfg)
	if got := newVisitor(t, a).send("GET", "/_ah/warmup", nil, false); got.status != http.StatusOK {
		t.Fatalf("got status %d (%v), want 200", got.status, got.err)
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
// typed, and the secret once the game is over; the board shows the secret
// then too, and not before.
func TestPanel_showsTheGameAsStored(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.guess("1122")
	v.guess("3456")
	page := v.send("GET", "/mastermind", nil, false).body
	for _, want := range []string{
		"<code>guessList</code></td><td><code>[1122 3456]</code>",
		"<code>secret</code></td><td><code>(hidden while the game is on)</code>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("playing: the panel lacks %q", want)
		}
	}
	if strings.Contains(page, `id="secret"`) {
		t.Error("playing: the board shows the secret")
	}
	won := v.playToWin()
	page = v.send("GET", "/mastermind", nil, false).body
	if want := "<code>secret</code></td><td><code>" + won.Secret + "</code>"; !strings.Contains(page, want) {
		t.Errorf("game over: the panel lacks %q", want)
	}
	if !strings.Contains(page, "You won!") || !strings.Contains(page, `id="secret"`) || strings.Contains(page, `id="guess"`) {
		t.Error("the won board does not say so, shows no secret, or still offers the guess field")
	}
}
