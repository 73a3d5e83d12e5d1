package web

import (
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The panel shows a new visitor that there is no session yet, and then
// the session's values and its cookie, decoded. The game's values read as
// they are stored: the guesses as typed, and the secret only once the game
// is over (TestGame_followingHintsWinsWithinFive); the board does not show
// it before either.
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
	raw, _ := signedPayload(c.Name, c.Value)
	id := hex.EncodeToString(raw)
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

	v.guess("1122")
	v.guess("3456")
	page = v.send("GET", "/mastermind", nil, false).body
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
}
