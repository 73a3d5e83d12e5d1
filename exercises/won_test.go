//go:build exercise

package exercises

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Exercise 3: "You have won N games" on the Mastermind page, counted in
// the session, inside the guess's atomic update.
func TestExercise3(t *testing.T) {
	a := start(t, 3)
	you := a.visitor()
	you.win()
	a.pass("you can win a game by following the hints (GET /mastermind/hint, POST /mastermind/guess)")

	saysWon(you, 1, "after 1 win", countWins)
	a.pass("after that win, the Mastermind page says you have won 1 game")

	you.json("POST", "/mastermind/new", nil, &game{})
	saysWon(you, 1, "after a win and a new game", "keep the count in the session, and do not reset it when a game starts (newGame, putGame)")
	a.pass("a new game keeps the count: after POST /mastermind/new the page still says 1")

	you.win()
	saysWon(you, 2, "after 2 wins", countWins)
	commits := a.rpcs.Calls()["Commit"] // of the winning guess and the page after it
	a.pass("a second win makes it 2")

	saysWon(you, 2+you.lose(), "after 2 wins and a lost game", countWins)
	a.pass("a lost game does not count: after ten wrong guesses the page still says 2")

	other := a.visitor()
	other.win()
	saysWon(other, 1, "after your 2 wins and a new visitor's first,", "keep the count in each visitor's session, sess.Values, not in the server (a variable, a field of Server)")
	if commits != 1 {
		a.fail("the winning guess and the page after it made %d Datastore commits, not 1: the count goes up in a write of its own; increment it inside the function handleGuess passes to s.update, where the guess is played, so that both are one atomic update (lesson §7)", commits)
	}
	a.pass("the count is kept in each visitor's session and goes up inside the function that handleGuess passes to s.update: a winning guess is one Datastore commit")
}

// win plays the current game to a win by following Knuth's hints, which
// win every game within 5 guesses. The app's Datastore calls are counted
// from the last guess on.
func (v *visitor) win() {
	for range 5 {
		var hint struct{ Guess string }
		var g game
		v.json("GET", "/mastermind/hint", nil, &hint)
		v.a.rpcs.Reset()
		v.json("POST", "/mastermind/guess", url.Values{"guess": {hint.Guess}}, &g)
		if g.Status == "won" {
			return
		}
	}
	v.a.fail("following the hints did not win the game within 5 guesses: the game or its hint is broken; run go test ./mastermind ./internal/web")
}

// lose starts a new game and loses it with ten guesses of 1122, and
// returns how many games it won on the way: one, when 1122 was the secret.
func (v *visitor) lose() (won int) {
	for {
		var g game
		v.json("POST", "/mastermind/new", nil, &g)
		for i := 0; i < 10 && g.Status != "won" && g.Status != "lost"; i++ {
			v.json("POST", "/mastermind/guess", url.Values{"guess": {"1122"}}, &g)
		}
		switch g.Status {
		case "lost":
			return won
		case "won":
			won++
		default:
			v.a.fail("ten wrong guesses left the game %q, not lost: the game is broken; run go test ./mastermind ./internal/web", g.Status)
		}
	}
}

var (
	winWord  = regexp.MustCompile(`(?i)\b(won|wins?|victor(y|ies))\b`)
	sentence = regexp.MustCompile(`[.!?](\s|$)|\n`)
	number   = regexp.MustCompile(`\b\d+\b`)
)

const countWins = "is the count incremented, inside the function handleGuess passes to s.update, exactly when the guess wins?"

// saysWon wants a sentence of the Mastermind page, outside the session
// panel, about wins with the number n in it ("You won!" alone, which the
// page says of a won game, has no number); else fix says what to look at.
func saysWon(v *visitor, n int, when, fix string) {
	said := "" // the first sentence about wins with a number
	for _, s := range sentence.Split(text(v.page("/mastermind"), false), -1) {
		nums := number.FindAllString(s, -1)
		switch {
		case !winWord.MatchString(s) || len(nums) == 0:
		case slices.Contains(nums, strconv.Itoa(n)):
			return
		case said == "":
			said = strings.TrimSpace(s)
		}
	}
	if said == "" {
		v.a.fail(`the Mastermind page does not say how many games you have won (looked, outside the session panel, for a sentence with "won" and the number %d, like "You have won 2 games"): show it in templates/mastermind.html`, n)
	}
	v.a.fail("%s the Mastermind page says %q, not %d: %s", when, said, n, fix)
}

// game is a Mastermind game as the routes answer it in JSON (docs/http.md).
type game struct {
	Turns  []struct{ Guess string } `json:"turns"`
	Status string                   `json:"status"`
}
