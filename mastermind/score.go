package mastermind

import (
	"math/bits"
	"sync"
)

// Feedback is the answer to a guess: Black pegs for right colour in the
// right place, White pegs for right colour in the wrong place.
type Feedback struct {
	Black, White int
}

// Score answers guess against secret. Black counts positions where the
// two agree; White counts the remaining colour matches, that is the sum over
// colours of the smaller of the two counts, minus Black. Score is symmetric
// in its arguments. It does not panic on invalid codes; their score has no
// meaning in the game.
func Score(secret, guess Code) Feedback {
	var f Feedback
	// Matching peg against peg, rather than counting per colour, keeps
	// Score safe for any uint8 and avoids clearing count arrays.
	var used [Pegs]bool
	for i := range Pegs {
		if secret[i] == guess[i] {
			f.Black++
			used[i] = true
		}
	}
	for i := range Pegs {
		if secret[i] == guess[i] {
			continue
		}
		for j := range Pegs {
			if !used[j] && secret[j] == guess[i] {
				used[j] = true
				f.White++
				break
			}
		}
	}
	return f
}

// numSlots is the size of the feedback index space used by the solver:
// Black*(Pegs+1)+White. Only 14 of its 25 slots can occur; a dense index
// would need a lookup table, and the unused counters cost next to nothing.
const numSlots = (Pegs + 1) * (Pegs + 1)

// slot returns the feedback index of (black, white), and false if no pair
// of codes can produce that feedback.
func slot(black, white int) (uint8, bool) {
	if black < 0 || white < 0 || black+white > Pegs || (black == Pegs-1 && white == 1) {
		return 0, false
	}
	return uint8(black*(Pegs+1) + white), true
}

// scoreTable holds the feedback slot of every (guess, secret) pair, indexed
// by Code.Index. It is 1.6 MB and takes a few milliseconds to fill, so it
// is built on the first Hint rather than at init: handlers that only parse
// and score guesses never pay for it.
type scoreTable [NumCodes][NumCodes]uint8

var table = sync.OnceValue(buildTable)

// buildTable scores all pairs with bit tricks rather than calling Score 1.7
// million times: that took about 16 ms, this about 2. The tests check the
// table against Score for every pair.
func buildTable() *scoreTable {
	// Per code: its pegs one per byte, to count equal bytes for black; and
	// its colour counts in unary, one byte per colour, so that the number
	// of common colours, black plus white, is the popcount of an AND.
	var pegs [NumCodes]uint32
	var colours [NumCodes]uint64
	for i := range NumCodes {
		for k, p := range CodeFromIndex(i) {
			pegs[i] |= uint32(p) << (8 * k)
			field := uint64(0xff) << (8 * p)
			colours[i] |= (colours[i]&field<<1 | 1<<(8*p)) & field
		}
	}
	t := new(scoreTable)
	for i := range NumCodes {
		for j := i; j < NumCodes; j++ {
			black := zeroBytes(pegs[i] ^ pegs[j])
			common := bits.OnesCount64(colours[i] & colours[j])
			// Black*(Pegs+1) + White with White = common - Black.
			s := uint8(black*Pegs + common)
			t[i][j], t[j][i] = s, s
		}
	}
	return t
}

// zeroBytes counts the zero bytes of x.
func zeroBytes(x uint32) int {
	const low7 = 0x7f7f7f7f
	// Adding low7 to the low seven bits of a byte sets its top bit unless
	// they are all zero; OR-ing x back in catches a lone top bit.
	y := (x&low7 + low7) | x | low7
	return bits.OnesCount32(^y)
}
