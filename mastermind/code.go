package mastermind

import (
	"errors"
	"strconv"
	"strings"
)

// The board of the classic game. They are constants, not options: the
// solver's score table and the session format both assume this board.
const (
	// Pegs is the number of pegs in a code.
	Pegs = 4
	// Colors is the number of colours a peg can take, written 1..Colors.
	Colors = 6
	// MaxTurns is the number of guesses a player gets.
	MaxTurns = 10
	// NumCodes is the number of distinct codes, Colors to the power Pegs.
	NumCodes = 1296
)

// ErrInvalidCode is wrapped by every error about a malformed code, so that
// callers can tell a player's typing mistake from other failures with
// errors.Is.
var ErrInvalidCode = errors.New("mastermind: invalid code")

// Code is a row of Pegs colours, each from 1 to Colors. It is a plain array
// so that it compares with ==; [Code.String] and [ParseCode] convert it to
// and from its digits, the form in which a session keeps it.
type Code [Pegs]uint8

// maxQuoted bounds how much of a rejected input is echoed back, so that a
// pasted megabyte does not end up in a page or a log line.
const maxQuoted = 20

// CodeError reports a malformed code in words a player can act on. Every
// error about a malformed code is one, and wraps [ErrInvalidCode]. It keeps
// only a short prefix of the input, and quotes it with Go's escapes, so
// that its message is valid UTF-8 and shows no control characters whatever
// was typed.
type CodeError struct {
	input     string
	truncated bool
}

func newCodeError(input string) *CodeError {
	e := &CodeError{input: input}
	n := 0
	for i := range input { // by rune, so the cut never splits a character
		if n == maxQuoted {
			e.input, e.truncated = input[:i], true
			break
		}
		n++
	}
	return e
}

// Error is the package prefix and then [CodeError.Message].
func (e *CodeError) Error() string { return "mastermind: " + e.Message() }

// Message is the error as a player reads it, without the package prefix:
// the input, quoted, and what a code is. It holds nothing but the input
// and the rule, so that a web page may show it as it is.
func (e *CodeError) Message() string {
	var b strings.Builder
	b.WriteString(strconv.Quote(e.input))
	if e.truncated {
		b.WriteString("...")
	}
	b.WriteString(" is not a valid code: use exactly 4 digits, each from 1 to 6 (for example 1122)")
	return b.String()
}

// Unwrap makes every CodeError match [ErrInvalidCode] with errors.Is.
func (e *CodeError) Unwrap() error { return ErrInvalidCode }

// ParseCode reads a code written as exactly 4 digits from 1 to 6, such as
// "1122". Anything else, including white space around or between the
// digits, signs and non-ASCII digits, gives a [*CodeError], which wraps
// [ErrInvalidCode].
func ParseCode(s string) (Code, error) {
	t := s
	if len(t) != Pegs {
		return Code{}, newCodeError(t)
	}
	var c Code
	for i := range Pegs {
		d := t[i]
		if d < '1' || d > '0'+Colors {
			return Code{}, newCodeError(t)
		}
		c[i] = d - '0'
	}
	return c, nil
}

// String writes the code as its digits, such as "1122". A peg outside the
// digits 0..9 is written as '?', so that even a corrupt code prints safely.
func (c Code) String() string {
	var b [Pegs]byte
	for i, p := range c {
		if p <= 9 {
			b[i] = '0' + p
		} else {
			b[i] = '?'
		}
	}
	return string(b[:])
}

// Valid reports whether every peg is a colour from 1 to Colors. The zero
// Code is not valid, which lets callers detect a code that was never set.
func (c Code) Valid() bool {
	for _, p := range c {
		if p < 1 || p > Colors {
			return false
		}
	}
	return true
}

// Index numbers the code from 0 (1111) to NumCodes-1 (6666) in increasing
// numeric order, so "lowest index" and "lowest number" agree. It returns -1
// for an invalid code.
func (c Code) Index() int {
	if !c.Valid() {
		return -1
	}
	i := 0
	for _, p := range c {
		i = i*Colors + int(p-1)
	}
	return i
}

// CodeFromIndex is the inverse of [Code.Index]. It panics if i is not in
// [0, NumCodes), as indexing an array would: such an i is a programming
// error, never player input.
func CodeFromIndex(i int) Code {
	if i < 0 || i >= NumCodes {
		panic("mastermind: CodeFromIndex: index out of range")
	}
	var c Code
	for k := Pegs - 1; k >= 0; k-- {
		c[k] = uint8(i%Colors) + 1
		i /= Colors
	}
	return c
}
