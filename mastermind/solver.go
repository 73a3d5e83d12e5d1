package mastermind

import (
	"errors"
	"fmt"
)

// ErrNoCandidates is wrapped by the error from [Hint] when no code agrees
// with every turn given. A real game cannot get there; a corrupted or
// hand-made history can.
var ErrNoCandidates = errors.New("mastermind: no code agrees with the turns played")

// Hint suggests the next guess after turns by Knuth's rule and reports how
// many codes still agree with every turn.
//
// Of all NumCodes codes it picks the one whose worst answer leaves the
// fewest codes standing: for each guess, it counts how many remaining codes
// would give each of the 14 possible feedbacks, and keeps the guess whose
// largest count is smallest. Ties go first to a code that could itself be
// the secret, then to the lowest number. With no turns the hint is 1122; once a single code
// remains, including after a win, the hint is that code.
//
// The error wraps [ErrInvalidCode] if a turn's guess is not a valid code,
// and [ErrNoCandidates] if the turns contradict each other.
func Hint(turns []Turn) (guess Code, remaining int, err error) {
	for i, t := range turns {
		if !t.Guess.Valid() {
			return Code{}, 0, newCodeError(t.Guess.String())
		}
		if _, ok := slot(t.Black, t.White); !ok {
			return Code{}, 0, fmt.Errorf("%w: turn %d has feedback no guess can get", ErrNoCandidates, i+1)
		}
	}
	tab := table()

	// Fixed-size arrays keep the working set on the stack: Hint does not
	// allocate, so hints from many requests add no garbage.
	var consistent [NumCodes]bool
	for c := range consistent {
		consistent[c] = true
	}
	for _, t := range turns {
		s, _ := slot(t.Black, t.White)
		row := &tab[t.Guess.Index()]
		for c := range consistent {
			consistent[c] = consistent[c] && row[c] == s
		}
	}
	var cands [NumCodes]uint16
	n := 0
	for c, ok := range consistent {
		if ok {
			cands[n] = uint16(c)
			n++
		}
	}
	switch n {
	case 0:
		return Code{}, 0, ErrNoCandidates
	case 1:
		// Every code splits one candidate into one part, and the tie-break
		// prefers the candidate; no need to search.
		return CodeFromIndex(int(cands[0])), 1, nil
	}

	free := freeColors(turns)
	best, bestWorst, bestConsistent := -1, NumCodes+1, false
	code := CodeFromIndex(0)
	for g := range NumCodes {
		if g > 0 {
			code.increment() // cheaper than CodeFromIndex(g) for every g
		}
		if !free.canonical(code) {
			continue
		}
		row := &tab[g]
		var parts [numSlots]uint16
		worst := 0
		for _, c := range cands[:n] {
			s := row[c]
			parts[s]++
			worst = max(worst, int(parts[s]))
			if worst > bestWorst {
				break // already worse than the best: most guesses stop here
			}
		}
		// Codes are visited in increasing order, so only a strictly better
		// code replaces the best; an equal one does only by being consistent.
		if worst < bestWorst || (worst == bestWorst && consistent[g] && !bestConsistent) {
			best, bestWorst, bestConsistent = g, worst, consistent[g]
		}
	}
	return CodeFromIndex(best), n, nil
}

// colorSet is a set of colours as a bit mask, bit c for colour c.
type colorSet uint16

// freeColors returns the colours that no turn has guessed.
//
// They make Hint fast without changing its answer. Renaming free colours
// among themselves maps every guess so far to itself, so it maps the
// remaining codes onto themselves and keeps every feedback: two guesses that
// differ only by such a renaming split the remaining codes into parts of the
// same sizes, and are both consistent or both not. Hint therefore only needs
// the lowest-numbered guess of each such family, which cuts the first
// search from 1296 guesses to 15 and the second, after 1122, to 151.
func freeColors(turns []Turn) colorSet {
	var used colorSet
	for _, t := range turns {
		for _, p := range t.Guess {
			used |= 1 << p
		}
	}
	all := colorSet(1<<(Colors+1) - 2)
	return all &^ used
}

// canonical reports whether c is the lowest-numbered code of its family,
// which holds when its free colours, in order of first use, are the lowest
// free colours in increasing order.
func (free colorSet) canonical(c Code) bool {
	next := free // free colours not yet used by c, lowest must come first
	for _, p := range c {
		bit := colorSet(1) << p
		if free&bit == 0 || next&bit == 0 {
			continue
		}
		if next&(bit-1) != 0 {
			return false
		}
		next &^= bit
	}
	return true
}

// increment steps c to the next code in index order, wrapping 6666 to 1111.
func (c *Code) increment() {
	for k := Pegs - 1; k >= 0; k-- {
		if c[k] < Colors {
			c[k]++
			return
		}
		c[k] = 1
	}
}
