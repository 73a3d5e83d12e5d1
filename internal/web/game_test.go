package web

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/gae-lessons/sessions-go/mastermind"
)

// hint asks for Knuth's next guess.
func (v *visitor) hint() hintView {
	v.t.Helper()
	var h hintView
	v.getJSON("/mastermind/hint", http.StatusOK, &h)
	return h
}

// guess plays a guess that must be accepted.
func (v *visitor) guess(code string) gameJSON {
	v.t.Helper()
	var g gameJSON
	v.postJSON("/mastermind/guess", url.Values{"guess": {code}}, http.StatusOK, &g)
	return g
}

func (v *visitor) game() gameJSON {
	v.t.Helper()
	var g gameJSON
	v.getJSON("/mastermind", http.StatusOK, &g)
	return g
}

// playToWin follows the hints until the game is won.
func (v *visitor) playToWin() gameJSON {
	v.t.Helper()
	for range mastermind.MaxTurns {
		g := v.guess(v.hint().Guess)
		if g.Status != "playing" {
			return g
		}
	}
	v.t.Fatal("following the hints did not end the game in 10 guesses")
	return gameJSON{}
}

// A guess that is not one valid code, or a form that is not one guess
// field url-encoded, is 400 in the form asked for and changes nothing: the
// answer says what is wrong and stays UTF-8 whatever bytes came (none is
// put back raw), and the page shows the board with the guess put back. A
// new visitor's refused guess starts no session. (Before the first guess
// there is no game: a new visitor sees an empty board.)
func TestGame_invalidGuessIs400AndChangesNothing(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	got := v.send("GET", "/mastermind", nil, true)
	if want := `{"pegs":4,"colors":6,"maxTurns":10,"turns":[],"status":"playing"}`; got.status != http.StatusOK || strings.TrimSpace(got.body) != want {
		t.Errorf("a new visitor: got %d %s, want 200 %s", got.status, got.body, want)
	}
	v.guess("1122")
	before := v.game()
	const form = "application/x-www-form-urlencoded"
	type request struct{ contentType, body, want string }
	reqs := []request{
		{"application/json", `{"guess":"1122"}`, form},
		{"text/plain", "guess=1122", form},
		{"", "guess=1122", form},
		{form, "guess=%zz", "not valid URL encoding"},
		{form, "gues=1122", "no guess field"},
		{form, "guess=1122&guess=3456", "2 guess fields"},
	}
	for _, bad := range []string{"", "12a4", "123", "12345", "0123", "7777", "１２３４", "1 2 3 4", strings.Repeat("1", 5000),
		"\xff", "12\xfe\xff", "\xc3", "1\xed\xa0\x80"} {
		reqs = append(reqs, request{form, url.Values{"guess": {bad}}.Encode(), "is not a valid code"})
	}
	for _, r := range reqs {
		for _, asJSON := range []bool{false, true} {
			what := fmt.Sprintf("%q %.40q%s", r.contentType, r.body, format(asJSON))
			h := http.Header{}
			if r.contentType != "" {
				h.Set("Content-Type", r.contentType)
			}
			if asJSON {
				h.Set("Accept", "application/json")
			}
			got := v.sendRaw("POST", "/mastermind/guess", r.body, h)
			if got.status != http.StatusBadRequest || !strings.Contains(got.body, r.want) {
				t.Errorf("%s: got %d %.200s, want 400 mentioning %q", what, got.status, got.body, r.want)
			}
			if i := invalidUTF8At(got.body); i >= 0 {
				t.Errorf("%s: the answer is not valid UTF-8 at %q", what, got.body[max(0, i-40):i+1])
			}
		}
	}
	page := v.send("POST", "/mastermind/guess", url.Values{"guess": {"12a4"}}, false).body
	for _, want := range []string{`id="message"`, "not a valid code", `value="12a4"`, `aria-label="Guess 1122"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page of a refused guess lacks %q", want)
		}
	}
	if after := v.game(); !reflect.DeepEqual(after, before) {
		t.Errorf("got game %+v after bad guesses, want %+v", after, before)
	}
	a.calls.Reset()
	got = newVisitor(t, a).send("POST", "/mastermind/guess", url.Values{"guess": {"12a4"}}, false)
	if c := got.header.Values("Set-Cookie"); got.status != http.StatusBadRequest || len(c) != 0 || a.calls.Total() != 0 {
		t.Errorf("a new visitor's bad guess: got %d, Set-Cookie %q and calls %v; want 400 and neither", got.status, c, a.calls.Calls())
	}
}

// invalidUTF8At returns the offset of the first byte of s that is not
// UTF-8, or -1.
func invalidUTF8At(s string) int {
	for i, r := range s {
		if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") {
			return i
		}
	}
	return -1
}

// Following the hints wins within five guesses (mastermind's own test
// has every secret). The won game reveals the secret, on the board and in
// the panel, and offers no guess field; a guess after it is 409 and
// changes nothing.
func TestGame_followingHintsWinsWithinFive(t *testing.T) {
	v := newVisitor(t, newApp(t))
	won := v.playToWin()
	if won.Status != "won" || len(won.Turns) > 5 {
		t.Errorf("got %s after %d guesses, want won within 5", won.Status, len(won.Turns))
	}
	if won.Secret == "" || won.Secret != won.Turns[len(won.Turns)-1].Guess {
		t.Errorf("got secret %q, want the winning guess revealed", won.Secret)
	}
	page := v.send("GET", "/mastermind", nil, false).body
	if want := "<code>secret</code></td><td><code>" + won.Secret + "</code>"; !strings.Contains(page, want) {
		t.Errorf("game over: the panel lacks %q", want)
	}
	if !strings.Contains(page, "You won!") || !strings.Contains(page, `id="secret"`) || strings.Contains(page, `id="guess"`) {
		t.Error("the won board does not say so, shows no secret, or still offers the guess field")
	}
	v.postJSON("/mastermind/guess", url.Values{"guess": {"1122"}}, http.StatusConflict, nil)
	if after := v.game(); !reflect.DeepEqual(after, won) {
		t.Errorf("got game %+v, want it unchanged %+v", after, won)
	}
}

// Ten wrong guesses lose: the board reveals the secret and no longer offers
// the guess field, until a new game starts over.
func TestGame_losingRevealsSecretUntilANewGame(t *testing.T) {
	v := newVisitor(t, newApp(t))
	var g gameJSON
	for range 5 { // when a guess happens to win, start over
		g = gameJSON{} // the won game's secret must not outlive it in g
		v.postJSON("/mastermind/new", nil, http.StatusOK, &g)
		if g.Status != "playing" || len(g.Turns) != 0 || g.Secret != "" {
			t.Fatalf("new game: got %+v, want a fresh game", g)
		}
		for i := 0; i < mastermind.MaxTurns && g.Status == "playing"; i++ {
			g = v.guess(mastermind.CodeFromIndex(i * 100).String())
		}
		if g.Status == "lost" {
			break
		}
	}
	if g.Status != "lost" || len(g.Turns) != mastermind.MaxTurns || g.Secret == "" {
		t.Fatalf("got %s after %d turns, secret %q; want lost after 10, with the secret", g.Status, len(g.Turns), g.Secret)
	}
	page := v.send("GET", "/mastermind", nil, false).body
	if !strings.Contains(page, `id="secret"`) || !strings.Contains(page, "Game over") || strings.Contains(page, `id="guess"`) {
		t.Error("the lost board shows no secret, or still offers the guess field")
	}
}

func TestGame_concurrentGuessesLoseNoTurnAndPlayNoEleventh(t *testing.T) {
	const guesses = 14
	a := newApp(t)
	v := newVisitor(t, a)
	v.click() // one session, in which the first of the burst starts the game
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for i := range guesses {
		wg.Go(func() {
			got := v.send("POST", "/mastermind/guess", url.Values{"guess": {mastermind.CodeFromIndex(i * 90).String()}}, true)
			mu.Lock()
			statuses[got.status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	g := v.game()
	if statuses[http.StatusOK] != len(g.Turns) {
		t.Errorf("got %d accepted guesses and %d turns, want them equal (statuses %v)", statuses[http.StatusOK], len(g.Turns), statuses)
	}
	if len(g.Turns) > mastermind.MaxTurns {
		t.Errorf("got %d turns, want at most %d", len(g.Turns), mastermind.MaxTurns)
	}
	if statuses[http.StatusOK]+statuses[http.StatusConflict] != guesses {
		t.Errorf("got statuses %v, want only 200 and 409", statuses)
	}
}
