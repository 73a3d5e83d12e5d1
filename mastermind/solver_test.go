package mastermind_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/gae-lessons/sessions-go/mastermind"
)

// Following the hints from the first move must reproduce Knuth's published
// result: every secret found within five guesses, 5801 guesses in all.
func TestHint_SolvesEverySecretLikeKnuth(t *testing.T) {
	var games [mastermind.MaxTurns + 1]int // games[n]: games won in n guesses
	total := 0
	for i := range mastermind.NumCodes {
		g := mastermind.Game{Secret: mastermind.CodeFromIndex(i)}
		for g.Status() == mastermind.Playing {
			h, _, err := mastermind.Hint(g.Turns)
			if err != nil {
				t.Fatalf("secret %v: Hint(%v): %v", g.Secret, g.Turns, err)
			}
			if _, err := g.Guess(h); err != nil {
				t.Fatalf("secret %v: Guess(%v): %v", g.Secret, h, err)
			}
		}
		if g.Status() != mastermind.Won {
			t.Fatalf("secret %v: Status() = %q after %v, want %q", g.Secret, g.Status(), g.Turns, mastermind.Won)
		}
		games[len(g.Turns)]++
		total += len(g.Turns)
	}
	if want := 5801; total != want {
		t.Errorf("guesses over all %d secrets = %d, want %d", mastermind.NumCodes, total, want)
	}
	// Knuth, "The Computer as Master Mind", J. Recreational Mathematics 9
	// (1976–77): 1, 6, 62, 533 and 694 games won in 1 to 5 guesses.
	want := [mastermind.MaxTurns + 1]int{1: 1, 2: 6, 3: 62, 4: 533, 5: 694}
	if games != want {
		t.Errorf("games won in 0..%d guesses = %v, want %v", mastermind.MaxTurns, games, want)
	}
}

// bruteHint is Knuth's rule written as plainly as possible, with Score and
// no table or symmetry, to check the fast solver against.
func bruteHint(turns []mastermind.Turn) (mastermind.Code, int) {
	var cands []mastermind.Code
	for i := range mastermind.NumCodes {
		c := mastermind.CodeFromIndex(i)
		if slices.IndexFunc(turns, func(t mastermind.Turn) bool {
			return mastermind.Score(c, t.Guess) != t.Feedback()
		}) < 0 {
			cands = append(cands, c)
		}
	}
	var best mastermind.Code
	bestWorst, bestConsistent := len(cands)+1, false
	for i := range mastermind.NumCodes {
		g := mastermind.CodeFromIndex(i)
		var parts [mastermind.Pegs + 1][mastermind.Pegs + 1]int
		worst, consistent := 0, false
		for _, c := range cands {
			f := mastermind.Score(c, g)
			parts[f.Black][f.White]++
			worst = max(worst, parts[f.Black][f.White])
			consistent = consistent || c == g
		}
		if worst < bestWorst || (worst == bestWorst && consistent && !bestConsistent) {
			best, bestWorst, bestConsistent = g, worst, consistent
		}
	}
	return best, len(cands)
}

func TestHint_MatchesBruteForce(t *testing.T) {
	histories := [][]string{
		{"1122"},
		{"1234"},
		{"5566"},
		{"1111"},
		{"1122", "1344"},
		{"1122", "3456"},
		{"1213", "4151"},
		{"1234", "5612"},
		{"1122", "1344", "3526"},
		{"6543", "2211", "4455"},
	}
	secrets := []string{"1111", "1234", "3456", "6655", "2163", "5541", "6261"}
	for _, h := range histories {
		for _, s := range secrets {
			g := mastermind.Game{Secret: mustParse(t, s)}
			for _, c := range h {
				if _, err := g.Guess(mustParse(t, c)); err != nil {
					break // won already: the history is shorter
				}
			}
			if g.Status() != mastermind.Playing {
				continue
			}
			got, gotN, err := mastermind.Hint(g.Turns)
			if err != nil {
				t.Fatalf("Hint(%v): %v", g.Turns, err)
			}
			want, wantN := bruteHint(g.Turns)
			if got != want || gotN != wantN {
				t.Errorf("Hint(%v) = %v, %d; want %v, %d", g.Turns, got, gotN, want, wantN)
			}
		}
	}
}

// Once one code is left, including after a win, the hint is that code.
// (ExampleHint shows the first move's hint.)
func TestHint_lastCodeLeft(t *testing.T) {
	for _, g := range []mastermind.Game{
		playGame(t, "2345", "1122", "2345"),
		playGame(t, "1115", "1122", "1234", "1315"), // the hints against 1115
	} {
		got, remaining, err := mastermind.Hint(g.Turns)
		if err != nil || got != g.Secret || remaining != 1 {
			t.Errorf("Hint(%v) = %v, %d, %v; want %v, 1, nil", g.Turns, got, remaining, err, g.Secret)
		}
	}
}

// Turns that no game could have had are refused.
func TestHint_refusesImpossibleTurns(t *testing.T) {
	turn := func(guess mastermind.Code, black, white int) mastermind.Turn {
		return mastermind.Turn{Guess: guess, Black: black, White: white}
	}
	c1111, c1112, c1234 := mastermind.Code{1, 1, 1, 1}, mastermind.Code{1, 1, 1, 2}, mastermind.Code{1, 2, 3, 4}
	for _, tt := range []struct {
		turns []mastermind.Turn
		want  error
	}{
		{[]mastermind.Turn{turn(c1111, 0, 0), turn(c1112, 2, 0)}, mastermind.ErrNoCandidates}, // the second needs a 1
		{[]mastermind.Turn{turn(c1234, 3, 1)}, mastermind.ErrNoCandidates},
		{[]mastermind.Turn{turn(c1234, 5, 0)}, mastermind.ErrNoCandidates},
		{[]mastermind.Turn{turn(c1234, 2, 3)}, mastermind.ErrNoCandidates},
		{[]mastermind.Turn{turn(c1234, -1, 0)}, mastermind.ErrNoCandidates},
		{[]mastermind.Turn{turn(c1234, 0, -5)}, mastermind.ErrNoCandidates},
		{[]mastermind.Turn{turn(c1234, 0, 5)}, mastermind.ErrNoCandidates}, // would alias (1, 0) in a Black*5+White index
		{[]mastermind.Turn{turn(mastermind.Code{1, 2, 3, 9}, 0, 0)}, mastermind.ErrInvalidCode},
	} {
		if _, _, err := mastermind.Hint(tt.turns); !errors.Is(err, tt.want) {
			t.Errorf("Hint(%v) error = %v, want one wrapping %v", tt.turns, err, tt.want)
		}
	}
}

func TestHint_DoesNotAllocate(t *testing.T) {
	turns := playGame(t, "3632", "1122", "1344").Turns
	mastermind.Hint(turns) // builds the score table outside the count
	if got := testing.AllocsPerRun(10, func() { mastermind.Hint(turns) }); got != 0 {
		t.Errorf("Hint allocates %v times per call, want 0", got)
	}
}

var sinkCode mastermind.Code

func BenchmarkHint(b *testing.B) {
	benchmarks := []struct {
		name    string
		secret  string
		guesses []string
	}{
		{"first", "1234", nil},
		// 1122 answered with no pegs leaves 256 codes, as many as any
		// answer to the first move can.
		{"second", "3456", []string{"1122"}},
		{"mid-game", "3632", []string{"1122", "1344"}},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			turns := playGame(b, bm.secret, bm.guesses...).Turns
			mastermind.Hint(turns) // the table is built once per process
			for b.Loop() {
				sinkCode, _, _ = mastermind.Hint(turns)
			}
		})
	}
}
