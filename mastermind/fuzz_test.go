package mastermind_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/mastermind"
)

// FuzzParseCode checks that any input is either a valid code that writes
// back as the input's digits, or an error wrapping ErrInvalidCode.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{
		"1122", "6543", " 1234\t\n", "", "0000", "7777", "1 22", "12345", "123",
		"+123", "-123", "１２３４", "12\x0034", "\xff\xfe12", "1e10", "١٢٣٤",
		strings.Repeat("1", 1000), "\u00a01234\u00a0", "\u20281234",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := mastermind.ParseCode(s)
		if err != nil {
			if !errors.Is(err, mastermind.ErrInvalidCode) {
				t.Fatalf("ParseCode(%q): got error %v, want one wrapping ErrInvalidCode", s, err)
			}
			if c != (mastermind.Code{}) {
				t.Errorf("ParseCode(%q): got code %v with the error, want the zero Code", s, c)
			}
			if len(err.Error()) > 400 {
				t.Errorf("ParseCode(%q): error of %d bytes, want the input clipped", s, len(err.Error()))
			}
			return
		}
		if !c.Valid() {
			t.Fatalf("ParseCode(%q) = %v, which is not Valid", s, c)
		}
		if got, want := c.String(), s; got != want {
			t.Errorf("ParseCode(%q).String() = %q, want %q", s, got, want)
		}
		if again, err := mastermind.ParseCode(c.String()); err != nil || again != c {
			t.Errorf("ParseCode(%q) again: got %v, %v; want %v", c.String(), again, err, c)
		}
		if got := mastermind.CodeFromIndex(c.Index()); got != c {
			t.Errorf("CodeFromIndex(Index(%v)) = %v", c, got)
		}
	})
}
