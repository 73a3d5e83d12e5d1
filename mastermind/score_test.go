package mastermind_test

import (
	"testing"

	"github.com/gae-lessons/sessions-go/mastermind"
)

// Score must agree with the rule as the lesson states it, per colour, on
// every pair of codes (ExampleScore shows it worked by hand), and the
// solver's score table with Score. Every property of Score over all pairs
// is then a property of this definition, so none is tested again here: it
// is symmetric (both counts are); Black and White are non-negative and sum
// to at most Pegs (common <= Pegs, and each black peg is a common one); 4
// black only for equal codes; never 3 black 1 white (the one differing peg
// would have to hold the same colour); and so exactly 14 feedbacks occur,
// the ones the solver's slot admits.
func TestScore_allPairs(t *testing.T) {
	for i := range mastermind.NumCodes {
		s := mastermind.CodeFromIndex(i)
		for j := range mastermind.NumCodes {
			g := mastermind.CodeFromIndex(j)
			var cs, cg [mastermind.Colors + 1]int
			black := 0
			for k := range mastermind.Pegs {
				cs[s[k]]++
				cg[g[k]]++
				if s[k] == g[k] {
					black++
				}
			}
			common := 0
			for c := 1; c <= mastermind.Colors; c++ {
				common += min(cs[c], cg[c])
			}
			want := mastermind.Feedback{Black: black, White: common - black}
			if got := mastermind.Score(s, g); got != want {
				t.Fatalf("Score(%v, %v) = %+v, want %+v", s, g, got, want)
			}
			if got := mastermind.TableFeedback(j, i); got != want {
				t.Fatalf("score table for guess %v, secret %v = %+v, want %+v", g, s, got, want)
			}
		}
	}
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
