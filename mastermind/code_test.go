package mastermind_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gae-lessons/sessions-go/mastermind"
)

// mustParse is for tests whose inputs are known to be valid.
func mustParse(t testing.TB, s string) mastermind.Code {
	t.Helper()
	c, err := mastermind.ParseCode(s)
	if err != nil {
		t.Fatalf("ParseCode(%q): %v", s, err)
	}
	return c
}

// The message quotes at most 20 characters of the input, cut between
// characters, and escapes what is not printable, so that it is valid UTF-8
// and shows no control characters whatever was typed. ExampleParseCode
// shows the message of a short input.
func TestCodeError_Message(t *testing.T) {
	const rule = ` is not a valid code: use exactly 4 digits, each from 1 to 6 (for example 1122)`
	for _, tt := range []struct{ in, want string }{
		{strings.Repeat("é", 25) + strings.Repeat("x", 1<<20), `"` + strings.Repeat("é", 20) + `"...` + rule},
		{"\xff1\x002", `"\xff1\x002"` + rule},
	} {
		_, err := mastermind.ParseCode(tt.in)
		var ce *mastermind.CodeError
		if !errors.As(err, &ce) {
			t.Fatalf("ParseCode(%.30q) error = %v, want a *CodeError", tt.in, err)
		}
		if got := ce.Message(); got != tt.want || !utf8.ValidString(got) {
			t.Errorf("Message() = %q, want %q", got, tt.want)
		}
		if got, want := err.Error(), "mastermind: "+tt.want; got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	}
}

func TestCode_String(t *testing.T) {
	tests := []struct {
		in   mastermind.Code
		want string
	}{
		{mastermind.Code{1, 1, 2, 2}, "1122"},
		{mastermind.Code{6, 5, 4, 3}, "6543"},
		{mastermind.Code{}, "0000"},
		{mastermind.Code{1, 200, 3, 9}, "1?39"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// An invalid code has no index; TestCodeFromIndex numbers the valid ones.
func TestCode_Valid(t *testing.T) {
	tests := []struct {
		in   mastermind.Code
		want bool
	}{
		{mastermind.Code{1, 1, 1, 1}, true},
		{mastermind.Code{6, 6, 6, 6}, true},
		{mastermind.Code{}, false},
		{mastermind.Code{1, 2, 3, 0}, false},
		{mastermind.Code{7, 1, 1, 1}, false},
		{mastermind.Code{1, 255, 1, 1}, false},
	}
	for _, tt := range tests {
		if got := tt.in.Valid(); got != tt.want {
			t.Errorf("%v.Valid() = %v, want %v", tt.in, got, tt.want)
		}
		if got := tt.in.Index(); !tt.want && got != -1 {
			t.Errorf("%v.Index() = %d, want -1", tt.in, got)
		}
	}
}

// Every index names a distinct valid code, in increasing numeric order;
// Index undoes CodeFromIndex, and ParseCode undoes String.
func TestCodeFromIndex(t *testing.T) {
	prev := 0
	for i := range mastermind.NumCodes {
		c := mastermind.CodeFromIndex(i)
		if !c.Valid() {
			t.Fatalf("CodeFromIndex(%d) = %v, not a valid code", i, c)
		}
		if got := c.Index(); got != i {
			t.Fatalf("CodeFromIndex(%d).Index() = %d, want %d", i, got, i)
		}
		if got, err := mastermind.ParseCode(c.String()); err != nil || got != c {
			t.Fatalf("ParseCode(%q) = %v, %v; want %v, nil", c.String(), got, err, c)
		}
		n, err := strconv.Atoi(c.String())
		if err != nil {
			t.Fatalf("CodeFromIndex(%d) = %v, not a number: %v", i, c, err)
		}
		if n <= prev {
			t.Fatalf("CodeFromIndex(%d) = %d, not above CodeFromIndex(%d) = %d", i, n, i-1, prev)
		}
		prev = n
	}
}

func TestCodeFromIndex_PanicsOutOfRange(t *testing.T) {
	for _, i := range []int{-1, mastermind.NumCodes, 1 << 40} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("CodeFromIndex(%d) did not panic", i)
				}
			}()
			mastermind.CodeFromIndex(i)
		}()
	}
}
