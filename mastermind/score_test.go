package mastermind_test

import (
	"testing"

	"github.com/gae-lessons/sessions-go/mastermind"
)

func TestScore(t *testing.T) {
	tests := []struct {
		secret, guess string
		want          mastermind.Feedback
	}{
		{"1234", "1234", mastermind.Feedback{Black: 4, White: 0}},
		{"1234", "5656", mastermind.Feedback{Black: 0, White: 0}},
		{"1234", "4321", mastermind.Feedback{Black: 0, White: 4}},
		{"1234", "1243", mastermind.Feedback{Black: 2, White: 2}},
		{"1122", "2211", mastermind.Feedback{Black: 0, White: 4}},
		{"1122", "1212", mastermind.Feedback{Black: 2, White: 2}},
		{"1112", "1111", mastermind.Feedback{Black: 3, White: 0}},
		{"1111", "1112", mastermind.Feedback{Black: 3, White: 0}},
		{"6655", "5566", mastermind.Feedback{Black: 0, White: 4}},
		{"6655", "6565", mastermind.Feedback{Black: 2, White: 2}},
		{"1123", "3211", mastermind.Feedback{Black: 0, White: 4}},
		{"1123", "1111", mastermind.Feedback{Black: 2, White: 0}},
		// A repeated guess colour earns at most as many pegs as the secret
		// holds of it.
		{"1234", "1111", mastermind.Feedback{Black: 1, White: 0}},
		{"1234", "2222", mastermind.Feedback{Black: 1, White: 0}},
		{"1234", "5511", mastermind.Feedback{Black: 0, White: 1}},
		{"2111", "1222", mastermind.Feedback{Black: 0, White: 2}},
		{"1223", "2215", mastermind.Feedback{Black: 1, White: 2}},
		{"3632", "3326", mastermind.Feedback{Black: 1, White: 3}},
	}
	for _, tt := range tests {
		got := mastermind.Score(mustParse(t, tt.secret), mustParse(t, tt.guess))
		if got != tt.want {
			t.Errorf("Score(%s, %s) = %+v, want %+v", tt.secret, tt.guess, got, tt.want)
		}
	}
}

// allPairs calls f on every (secret, guess) pair and stops at the first
// false, so a failing test reports one counterexample, not a million.
func allPairs(f func(secret, guess mastermind.Code) bool) {
	for i := range mastermind.NumCodes {
		s := mastermind.CodeFromIndex(i)
		for j := range mastermind.NumCodes {
			if !f(s, mastermind.CodeFromIndex(j)) {
				return
			}
		}
	}
}

// Score must agree with the rule as the lesson states it, per colour, on
// every pair of codes. Every property of Score over all pairs is then a
// property of this definition, so none is tested again here: it is
// symmetric (both counts are); Black and White are non-negative and sum to
// at most Pegs (common <= Pegs, and each black peg is a common one); 4 black
// only for equal codes; never 3 black 1 white (the one differing peg would
// have to hold the same colour); and so exactly 14 feedbacks occur, the
// ones the solver's slot admits.
func TestScore_MatchesColourCountDefinition(t *testing.T) {
	allPairs(func(s, g mastermind.Code) bool {
		var cs, cg [mastermind.Colors + 1]int
		black := 0
		for i := range mastermind.Pegs {
			cs[s[i]]++
			cg[g[i]]++
			if s[i] == g[i] {
				black++
			}
		}
		common := 0
		for c := 1; c <= mastermind.Colors; c++ {
			common += min(cs[c], cg[c])
		}
		want := mastermind.Feedback{Black: black, White: common - black}
		if got := mastermind.Score(s, g); got != want {
			t.Errorf("Score(%v, %v) = %+v, want %+v", s, g, got, want)
			return false
		}
		return true
	})
}

var sinkFeedback mastermind.Feedback

func BenchmarkScore(b *testing.B) {
	secret := mastermind.Code{1, 2, 2, 3}
	guess := mastermind.Code{2, 2, 3, 1}
	for b.Loop() {
		sinkFeedback = mastermind.Score(secret, guess)
	}
}

func BenchmarkBuildTable(b *testing.B) {
	for b.Loop() {
		mastermind.BuildTable()
	}
}

func TestScoreTable_MatchesScore(t *testing.T) {
	for i := range mastermind.NumCodes {
		g := mastermind.CodeFromIndex(i)
		for j := range mastermind.NumCodes {
			s := mastermind.CodeFromIndex(j)
			if got, want := mastermind.TableFeedback(i, j), mastermind.Score(s, g); got != want {
				t.Fatalf("score table for guess %v, secret %v = %+v, want %+v", g, s, got, want)
			}
		}
	}
}
