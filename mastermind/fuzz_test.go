package mastermind_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/mastermind"
)

// FuzzParseCode checks that any input is either a valid code that writes
// back as the input's digits, or an error wrapping ErrInvalidCode with the
// zero Code. Its seeds, which every go test runs, are the inputs a player
// might type that are not exactly 4 digits from 1 to 6: each must be
// refused, since a code writes back as its 4 digits alone.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{
		"1122", "6543", "1111", "6666", "", "   ", "123", "12345", "0000", "1230", "1237", "9999",
		"12a4", "ABCD", "0x12", "1e10", "+123", "+1234", "-123", "1,2,3,4", "12 34", "1 22",
		" 1234", "1234\n", "\t 3456 \r\n", "12\t3", "12\x0034", "12\xff4", "\xff\xfe12",
		"１２３４", "١٢٣٤", "\u00a01234\u00a0", "\u20281234", strings.Repeat("1", 1000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := mastermind.ParseCode(s)
		if err != nil {
			if !errors.Is(err, mastermind.ErrInvalidCode) {
				t.Fatalf("ParseCode(%.30q): got error %v, want one wrapping ErrInvalidCode", s, err)
			}
			if c != (mastermind.Code{}) {
				t.Errorf("ParseCode(%.30q): got code %v with the error, want the zero Code", s, c)
			}
			if len(err.Error()) > 400 {
				t.Errorf("ParseCode(%.30q): error of %d bytes, want the input clipped", s, len(err.Error()))
			}
			return
		}
		if !c.Valid() {
			t.Fatalf("ParseCode(%q) = %v, which is not Valid", s, c)
		}
		if got, want := c.String(), s; got != want {
			t.Errorf("ParseCode(%q).String() = %q, want %q", s, got, want)
		}
	})
}
