package mastermind_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/gae-lessons/sessions-go/mastermind"
)

// playGame returns a game with secret after the given guesses, failing the
// test if any guess is refused.
func playGame(t testing.TB, secret string, guesses ...string) mastermind.Game {
	t.Helper()
	g := mastermind.Game{Secret: mustParse(t, secret)}
	for _, s := range guesses {
		if _, err := g.Guess(mustParse(t, s)); err != nil {
			t.Fatalf("Guess(%s): %v", s, err)
		}
	}
	return g
}

// wrongGuesses returns n distinct guesses, none of them 6666.
func wrongGuesses(n int) []string {
	var gs []string
	for i := range n {
		gs = append(gs, mastermind.CodeFromIndex(i).String())
	}
	return gs
}

func TestNewGame(t *testing.T) {
	g, err := mastermind.NewGame()
	if err != nil {
		t.Fatalf("NewGame: %v", err)
	}
	if !g.Secret.Valid() || len(g.Turns) != 0 {
		t.Errorf("NewGame() = %+v, want a valid secret and no turns", g)
	}
}

// A refused guess leaves the game as it was. (ExampleGame_Guess and
// ExampleReplay show guesses scored and recorded.)
func TestGame_Guess_refused(t *testing.T) {
	tests := []struct {
		name  string
		game  mastermind.Game
		guess mastermind.Code
		want  error
	}{
		{"after a win", playGame(t, "1234", "1234"), mastermind.Code{6, 6, 6, 6}, mastermind.ErrGameOver},
		{"after a loss", playGame(t, "6666", wrongGuesses(mastermind.MaxTurns)...), mastermind.Code{6, 6, 6, 6}, mastermind.ErrGameOver},
		{"the zero code", playGame(t, "1234", "1111"), mastermind.Code{}, mastermind.ErrInvalidCode},
		{"a peg of 7", playGame(t, "1234", "1111"), mastermind.Code{1, 2, 3, 7}, mastermind.ErrInvalidCode},
		{"a peg of 0", playGame(t, "1234", "1111"), mastermind.Code{0, 1, 1, 1}, mastermind.ErrInvalidCode},
		{"no secret", mastermind.Game{}, mastermind.Code{1, 2, 3, 4}, mastermind.ErrNoSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := tt.game
			before := slices.Clone(g.Turns)
			got, err := g.Guess(tt.guess)
			if !errors.Is(err, tt.want) {
				t.Errorf("Guess(%v) error = %v, want one wrapping %v", tt.guess, err, tt.want)
			}
			if got != (mastermind.Turn{}) {
				t.Errorf("Guess(%v) turn = %+v, want the zero Turn", tt.guess, got)
			}
			if !slices.Equal(g.Turns, before) {
				t.Errorf("Turns = %+v, want unchanged %+v", g.Turns, before)
			}
		})
	}
}

func TestGame_StatusAndTurnsLeft(t *testing.T) {
	tests := []struct {
		name     string
		game     mastermind.Game
		want     mastermind.Status
		wantLeft int
	}{
		{"new", playGame(t, "1234"), mastermind.Playing, mastermind.MaxTurns},
		{"two wrong guesses", playGame(t, "1234", "1111", "2222"), mastermind.Playing, mastermind.MaxTurns - 2},
		{"nine wrong guesses", playGame(t, "6666", wrongGuesses(mastermind.MaxTurns-1)...), mastermind.Playing, 1},
		{"won", playGame(t, "1234", "4321", "1234"), mastermind.Won, 0},
		{"won on the last turn", playGame(t, "6666", append(wrongGuesses(mastermind.MaxTurns-1), "6666")...), mastermind.Won, 0},
		{"lost on the tenth wrong guess", playGame(t, "6666", wrongGuesses(mastermind.MaxTurns)...), mastermind.Lost, 0},
		// A restored session may hold more turns than a game allows.
		{"too many turns", mastermind.Game{Secret: mustParse(t, "6666"), Turns: make([]mastermind.Turn, mastermind.MaxTurns+3)}, mastermind.Lost, 0},
	}
	for _, tt := range tests {
		if got, left := tt.game.Status(), tt.game.TurnsLeft(); got != tt.want || left != tt.wantLeft {
			t.Errorf("%s: Status(), TurnsLeft() = %q, %d; want %q, %d", tt.name, got, left, tt.want, tt.wantLeft)
		}
	}
}

func TestReplay(t *testing.T) {
	tests := []struct {
		name    string
		secret  string
		guesses []string
		want    mastermind.Game
	}{
		{"no guesses", "3632", nil, playGame(t, "3632")},
		{"two guesses", "3632", []string{"1122", "3456"}, playGame(t, "3632", "1122", "3456")},
		{"won", "3632", []string{"1122", "3632"}, playGame(t, "3632", "1122", "3632")},
		{"lost", "6666", wrongGuesses(mastermind.MaxTurns), playGame(t, "6666", wrongGuesses(mastermind.MaxTurns)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mastermind.Replay(tt.secret, tt.guesses)
			if err != nil {
				t.Fatalf("Replay: %v", err)
			}
			if got.Secret != tt.want.Secret || !slices.Equal(got.Turns, tt.want.Turns) {
				t.Errorf("Replay(%q, %q) = %+v, want %+v", tt.secret, tt.guesses, got, tt.want)
			}
		})
	}
}

// What no game could have recorded is refused, whatever stored it.
func TestReplay_Refuses(t *testing.T) {
	tests := []struct {
		name    string
		secret  string
		guesses []string
		want    error
	}{
		{"no secret", "", nil, mastermind.ErrInvalidCode},
		{"a secret of other digits", "3637", []string{"1122"}, mastermind.ErrInvalidCode},
		{"a secret too long", "36321", nil, mastermind.ErrInvalidCode},
		{"a guess that is not a code", "3632", []string{"1122", "12a4"}, mastermind.ErrInvalidCode},
		{"an empty guess", "3632", []string{""}, mastermind.ErrInvalidCode},
		{"more guesses than a game has", "6666", wrongGuesses(mastermind.MaxTurns + 1), mastermind.ErrGameOver},
		{"a guess after the win", "3632", []string{"3632", "1122"}, mastermind.ErrGameOver},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mastermind.Replay(tt.secret, tt.guesses)
			if !errors.Is(err, tt.want) {
				t.Errorf("Replay(%q, %q) error = %v, want one wrapping %v", tt.secret, tt.guesses, err, tt.want)
			}
			if got.Secret != (mastermind.Code{}) || got.Turns != nil {
				t.Errorf("Replay(%q, %q) = %+v, want the zero Game", tt.secret, tt.guesses, got)
			}
		})
	}
}

var sinkGame mastermind.Game

// BenchmarkReplay is what reading a game seven guesses in adds to a
// request, beside decoding the session: the guesses as sessionstore's
// bench_test.go stores them, scored again.
func BenchmarkReplay(b *testing.B) {
	var guesses []string
	for i := range 7 {
		guesses = append(guesses, mastermind.CodeFromIndex(i*97).String())
	}
	for b.Loop() {
		g, err := mastermind.Replay("3632", guesses)
		if err != nil {
			b.Fatal(err)
		}
		sinkGame = g
	}
}
