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

func TestGame_Guess(t *testing.T) {
	g := playGame(t, "1234")
	got, err := g.Guess(mustParse(t, "1243"))
	if err != nil {
		t.Fatalf("Guess: %v", err)
	}
	want := mastermind.Turn{Guess: mustParse(t, "1243"), Black: 2, White: 2}
	if got != want {
		t.Errorf("Guess(1243) = %+v, want %+v", got, want)
	}
	if !slices.Equal(g.Turns, []mastermind.Turn{want}) {
		t.Errorf("Turns = %+v, want [%+v]", g.Turns, want)
	}
}

func TestGame_Guess_WinsOnFourBlack(t *testing.T) {
	g := playGame(t, "6543", "1122", "6543")
	if got := g.Status(); got != mastermind.Won {
		t.Errorf("Status() = %q, want %q", got, mastermind.Won)
	}
}

func TestGame_Guess_WinsOnLastTurn(t *testing.T) {
	g := playGame(t, "6666", append(wrongGuesses(mastermind.MaxTurns-1), "6666")...)
	if got := g.Status(); got != mastermind.Won {
		t.Errorf("Status() = %q, want %q", got, mastermind.Won)
	}
}

func TestGame_Guess_LosesOnTenthWrongGuess(t *testing.T) {
	wrong := wrongGuesses(mastermind.MaxTurns)
	g := playGame(t, "6666", wrong[:mastermind.MaxTurns-1]...)
	if got := g.Status(); got != mastermind.Playing {
		t.Fatalf("after %d wrong guesses Status() = %q, want %q", mastermind.MaxTurns-1, got, mastermind.Playing)
	}
	if _, err := g.Guess(mustParse(t, wrong[mastermind.MaxTurns-1])); err != nil {
		t.Fatalf("Guess: %v", err)
	}
	if got := g.Status(); got != mastermind.Lost {
		t.Errorf("after %d wrong guesses Status() = %q, want %q", mastermind.MaxTurns, got, mastermind.Lost)
	}
}

func TestGame_Guess_AfterGameOver(t *testing.T) {
	tests := []struct {
		name string
		game mastermind.Game
	}{
		{"won", playGame(t, "1234", "1234")},
		{"lost", playGame(t, "6666", wrongGuesses(mastermind.MaxTurns)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := tt.game
			before := slices.Clone(g.Turns)
			got, err := g.Guess(mustParse(t, "6666"))
			if !errors.Is(err, mastermind.ErrGameOver) {
				t.Errorf("Guess error = %v, want one wrapping ErrGameOver", err)
			}
			if got != (mastermind.Turn{}) {
				t.Errorf("Guess turn = %+v, want the zero Turn", got)
			}
			if !slices.Equal(g.Turns, before) {
				t.Errorf("Turns = %+v, want unchanged %+v", g.Turns, before)
			}
		})
	}
}

func TestGame_Guess_InvalidCode(t *testing.T) {
	for _, c := range []mastermind.Code{{}, {1, 2, 3, 7}, {0, 1, 1, 1}} {
		g := playGame(t, "1234", "1111")
		before := slices.Clone(g.Turns)
		if _, err := g.Guess(c); !errors.Is(err, mastermind.ErrInvalidCode) {
			t.Errorf("Guess(%v) error = %v, want one wrapping ErrInvalidCode", c, err)
		}
		if !slices.Equal(g.Turns, before) {
			t.Errorf("after Guess(%v) Turns = %+v, want unchanged %+v", c, g.Turns, before)
		}
	}
}

func TestGame_Guess_NoSecret(t *testing.T) {
	var g mastermind.Game
	if _, err := g.Guess(mustParse(t, "1234")); !errors.Is(err, mastermind.ErrNoSecret) {
		t.Errorf("Guess on the zero Game: error = %v, want one wrapping ErrNoSecret", err)
	}
	if len(g.Turns) != 0 {
		t.Errorf("Turns = %+v, want none", g.Turns)
	}
}

func TestGame_Status(t *testing.T) {
	tests := []struct {
		name string
		game mastermind.Game
		want mastermind.Status
	}{
		{"new", playGame(t, "1234"), mastermind.Playing},
		{"one wrong guess", playGame(t, "1234", "4321"), mastermind.Playing},
		{"won", playGame(t, "1234", "4321", "1234"), mastermind.Won},
		{"lost", playGame(t, "6666", wrongGuesses(mastermind.MaxTurns)...), mastermind.Lost},
		// A restored session may hold more turns than a game allows.
		{"too many turns", mastermind.Game{Secret: mustParse(t, "6666"), Turns: make([]mastermind.Turn, mastermind.MaxTurns+3)}, mastermind.Lost},
	}
	for _, tt := range tests {
		if got := tt.game.Status(); got != tt.want {
			t.Errorf("%s: Status() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestGame_TurnsLeft(t *testing.T) {
	tests := []struct {
		name string
		game mastermind.Game
		want int
	}{
		{"new", playGame(t, "1234"), mastermind.MaxTurns},
		{"two guesses", playGame(t, "1234", "1111", "2222"), mastermind.MaxTurns - 2},
		{"nine guesses", playGame(t, "6666", wrongGuesses(9)...), 1},
		{"won", playGame(t, "1234", "1111", "1234"), 0},
		{"lost", playGame(t, "6666", wrongGuesses(mastermind.MaxTurns)...), 0},
	}
	for _, tt := range tests {
		if got := tt.game.TurnsLeft(); got != tt.want {
			t.Errorf("%s: TurnsLeft() = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestTurn_Feedback(t *testing.T) {
	turn := mastermind.Turn{Guess: mastermind.Code{1, 1, 2, 2}, Black: 1, White: 2}
	if got, want := turn.Feedback(), (mastermind.Feedback{Black: 1, White: 2}); got != want {
		t.Errorf("Feedback() = %+v, want %+v", got, want)
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
