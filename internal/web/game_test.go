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

// Before the first guess there is no game: a new visitor sees an empty
// board.
func TestGame_newVisitorSeesEmptyBoard(t *testing.T) {
	got := newVisitor(t, newApp(t)).send("GET", "/mastermind", nil, true)
	want := `{"pegs":4,"colors":6,"maxTurns":10,"turns":[],"status":"playing"}`
	if got.status != http.StatusOK || strings.TrimSpace(got.body) != want {
		t.Errorf("got %d %s, want 200 %s", got.status, got.body, want)
	}
}

func TestGame_invalidGuessIs400AndChangesNothing(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.guess("1122")
	before := v.game()
	for _, bad := range []string{"", "12a4", "123", "12345", "0123", "7777", "１２３４", "1 2 3 4", strings.Repeat("1", 5000)} {
		t.Run(bad[:min(len(bad), 10)], func(t *testing.T) {
			var got struct{ Error string }
			v.postJSON("/mastermind/guess", url.Values{"guess": {bad}}, http.StatusBadRequest, &got)
			if !strings.Contains(got.Error, "4 digits") {
				t.Errorf("got error %q, want one saying what a valid guess is", got.Error)
			}
		})
	}
	if after := v.game(); !reflect.DeepEqual(after, before) {
		t.Errorf("got game %+v after bad guesses, want %+v", after, before)
	}
}

func TestGame_invalidGuessShowsMessageOnBoard(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.guess("1122")
	resp := v.do("POST", "/mastermind/guess", url.Values{"guess": {"12a4"}}, false)
	page := text(t, resp)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("got status %d, want 400", resp.StatusCode)
	}
	for _, want := range []string{`id="message"`, "not a valid code", `value="12a4"`, `aria-label="Guess 1122"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// A guess that is not UTF-8 is refused like any other malformed guess, and
// its bytes are not put back raw into the page.
func TestGame_invalidUTF8GuessIsRefusedAndNotEchoedRaw(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.guess("1122")
	for _, bad := range []string{"\xff", "12\xfe\xff", "\xc3", "1\xed\xa0\x80"} {
		for _, asJSON := range []bool{false, true} {
			what := fmt.Sprintf("guess %q%s", bad, format(asJSON))
			resp := v.do("POST", "/mastermind/guess", url.Values{"guess": {bad}}, asJSON)
			body := text(t, resp)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "is not a valid code") {
				t.Errorf("%s: got %d %.200s, want 400 with the guess message", what, resp.StatusCode, body)
			}
			if i := invalidUTF8At(body); i >= 0 {
				t.Errorf("%s: the answer is not valid UTF-8 at %q", what, body[max(0, i-40):i+1])
			}
		}
	}
	if got := len(v.game().Turns); got != 1 {
		t.Errorf("got %d turns, want 1: the refused guesses changed the game", got)
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

func TestGame_followingHintsWinsWithinFive(t *testing.T) {
	a := newApp(t)
	for range 3 {
		v := newVisitor(t, a)
		g := v.playToWin()
		if g.Status != "won" || len(g.Turns) > 5 {
			t.Errorf("got %s after %d guesses, want won within 5", g.Status, len(g.Turns))
		}
		if g.Secret == "" || g.Secret != g.Turns[len(g.Turns)-1].Guess {
			t.Errorf("got secret %q, want the winning guess revealed", g.Secret)
		}
	}
}

func TestGame_guessAfterGameOverIs409(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	won := v.playToWin()
	var got struct{ Error string }
	v.postJSON("/mastermind/guess", url.Values{"guess": {"1122"}}, http.StatusConflict, &got)
	if got.Error == "" {
		t.Error("got no error message")
	}
	if after := v.game(); !reflect.DeepEqual(after, won) {
		t.Errorf("got game %+v, want it unchanged %+v", after, won)
	}
}

// loseGame plays ten wrong guesses; when a guess happens to win it starts
// over, so the test does not depend on the secret.
func (v *visitor) loseGame() gameJSON {
	v.t.Helper()
	for range 5 {
		v.postJSON("/mastermind/new", nil, http.StatusOK, nil)
		var g gameJSON
		for i := range mastermind.MaxTurns {
			g = v.guess(mastermind.CodeFromIndex(i * 100).String())
			if g.Status != "playing" {
				break
			}
		}
		if g.Status == "lost" {
			return g
		}
	}
	v.t.Fatal("could not lose a game in 5 tries")
	return gameJSON{}
}

func TestGame_losingRevealsSecret(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	g := v.loseGame()
	if len(g.Turns) != mastermind.MaxTurns || g.Secret == "" {
		t.Errorf("got %d turns and secret %q, want 10 turns and the secret", len(g.Turns), g.Secret)
	}
	page := text(t, v.do("GET", "/mastermind", nil, false))
	if !strings.Contains(page, `id="secret"`) || !strings.Contains(page, "Game over") || strings.Contains(page, `id="guess"`) {
		t.Error("the lost board shows no secret, or still offers the guess field")
	}
}

func TestGame_secretHiddenWhilePlaying(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.guess("1122")
	page := text(t, v.do("GET", "/mastermind", nil, false))
	if strings.Contains(page, `id="secret"`) {
		t.Error("the board shows the secret during the game")
	}
	if !strings.Contains(page, "hidden while the game is on") {
		t.Error("the session panel does not hide the secret")
	}
}

func TestGame_newGameStartsOver(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.guess("1122")
	var g gameJSON
	v.postJSON("/mastermind/new", nil, http.StatusOK, &g)
	if g.Status != "playing" || len(g.Turns) != 0 || g.Secret != "" {
		t.Errorf("got %+v, want a fresh game", g)
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
			resp := v.do("POST", "/mastermind/guess", url.Values{"guess": {mastermind.CodeFromIndex(i * 90).String()}}, true)
			mu.Lock()
			statuses[resp.StatusCode]++
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

func TestGame_sharesTheSessionWithTheCounter(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.click()
	v.guess("1122")
	v.click()
	if got := v.count(); got != 2 {
		t.Errorf("got count %d, want 2", got)
	}
	if got := len(v.game().Turns); got != 1 {
		t.Errorf("got %d turns, want 1", got)
	}
	if got := len(v.cookies()); got != 1 {
		t.Errorf("got %d cookies, want one session cookie", got)
	}
}

func TestGame_refusedGuessStartsNothing(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	resp := v.do("POST", "/mastermind/guess", url.Values{"guess": {"12a4"}}, false)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("got status %d, want 400", resp.StatusCode)
	}
	if c := resp.Header.Values("Set-Cookie"); len(c) != 0 || a.calls.Total() != 0 {
		t.Errorf("got Set-Cookie %q and %d Datastore calls, want neither", c, a.calls.Total())
	}
}

func TestGame_guessMustBeOneURLEncodedField(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	before := v.game()
	tests := []struct {
		name, contentType, body, want string
	}{
		{"JSON body", "application/json", `{"guess":"1122"}`, "application/x-www-form-urlencoded"},
		{"plain text", "text/plain", "guess=1122", "application/x-www-form-urlencoded"},
		{"no content type", "", "guess=1122", "application/x-www-form-urlencoded"},
		{"bad percent-encoding", "application/x-www-form-urlencoded", "guess=%zz", "not valid URL encoding"},
		{"no guess field", "application/x-www-form-urlencoded", "gues=1122", "no guess field"},
		{"two guess fields", "application/x-www-form-urlencoded", "guess=1122&guess=3456", "2 guess fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"Accept": {"application/json"}}
			if tt.contentType != "" {
				h.Set("Content-Type", tt.contentType)
			}
			got := v.sendRaw("POST", "/mastermind/guess", tt.body, h)
			if got.status != http.StatusBadRequest || !strings.Contains(got.body, tt.want) {
				t.Errorf("got %d %s, want 400 mentioning %q", got.status, got.body, tt.want)
			}
		})
	}
	if after := v.game(); !reflect.DeepEqual(after, before) {
		t.Errorf("got game %+v, want it unchanged", after)
	}
}
