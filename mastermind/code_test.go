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

func TestParseCode(t *testing.T) {
	tests := []struct {
		in   string
		want mastermind.Code
	}{
		{"1111", mastermind.Code{1, 1, 1, 1}},
		{"1122", mastermind.Code{1, 1, 2, 2}},
		{"6543", mastermind.Code{6, 5, 4, 3}},
		{"6666", mastermind.Code{6, 6, 6, 6}},
	}
	for _, tt := range tests {
		got, err := mastermind.ParseCode(tt.in)
		if err != nil {
			t.Errorf("ParseCode(%q): unexpected error: %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseCode(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseCode_Invalid(t *testing.T) {
	tests := []struct {
		name, in string
	}{
		{"empty", ""},
		{"blank", "   "},
		{"three digits", "123"},
		{"five digits", "12345"},
		{"zero", "1230"},
		{"seven", "1237"},
		{"nine", "9999"},
		{"letter", "12a4"},
		{"upper letters", "ABCD"},
		{"fullwidth digits", "１２３４"},
		{"arabic-indic digits", "١٢٣٤"},
		{"plus sign", "+1234"},
		{"minus sign", "-123"},
		{"inner space", "12 34"},
		{"leading space", " 1234"},
		{"trailing newline", "1234\n"},
		{"surrounding white space", "\t 3456 \r\n"},
		{"inner tab", "12\t3"},
		{"commas", "1,2,3,4"},
		{"NUL byte", "12\x0034"},
		{"invalid UTF-8", "12\xff4"},
		{"hex", "0x12"},
		{"very long", strings.Repeat("1", 1<<20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mastermind.ParseCode(tt.in)
			if !errors.Is(err, mastermind.ErrInvalidCode) {
				t.Fatalf("ParseCode(%.30q) error = %v, want one wrapping ErrInvalidCode", tt.in, err)
			}
			if got != (mastermind.Code{}) {
				t.Errorf("ParseCode(%.30q) code = %v, want the zero Code", tt.in, got)
			}
		})
	}
}

func TestParseCode_ErrorMessage(t *testing.T) {
	_, err := mastermind.ParseCode("12a4")
	got := err.Error()
	want := `mastermind: "12a4" is not a valid code: use exactly 4 digits, each from 1 to 6 (for example 1122)`
	if got != want {
		t.Errorf("ParseCode(%q) error = %q, want %q", "12a4", got, want)
	}
}

func TestParseCode_ErrorTruncatesLongInput(t *testing.T) {
	in := strings.Repeat("é", 25) + strings.Repeat("x", 1<<20)
	_, err := mastermind.ParseCode(in)
	got := err.Error()
	want := `mastermind: "` + strings.Repeat("é", 20) + `"... is not a valid code: use exactly 4 digits, each from 1 to 6 (for example 1122)`
	if got != want {
		t.Errorf("ParseCode(long input) error = %q, want %q", got, want)
	}
}

// The message a player sees is valid UTF-8 and shows control characters
// escaped, whatever bytes were typed.
func TestCodeError_MessageIsEscapedText(t *testing.T) {
	_, err := mastermind.ParseCode("\xff1\x002")
	var ce *mastermind.CodeError
	if !errors.As(err, &ce) {
		t.Fatalf("ParseCode error = %v, want a *CodeError", err)
	}
	got := ce.Message()
	want := `"\xff1\x002" is not a valid code: use exactly 4 digits, each from 1 to 6 (for example 1122)`
	if got != want {
		t.Errorf("Message() = %q, want %q", got, want)
	}
	if !utf8.ValidString(got) {
		t.Errorf("Message() = %q, not valid UTF-8", got)
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
	}
}

func TestCode_Index(t *testing.T) {
	tests := []struct {
		in   mastermind.Code
		want int
	}{
		{mastermind.Code{1, 1, 1, 1}, 0},
		{mastermind.Code{1, 1, 1, 2}, 1},
		{mastermind.Code{1, 1, 2, 1}, 6},
		{mastermind.Code{1, 1, 2, 2}, 7},
		{mastermind.Code{2, 1, 1, 1}, 216},
		{mastermind.Code{6, 6, 6, 6}, 1295},
		{mastermind.Code{}, -1},
		{mastermind.Code{1, 1, 1, 7}, -1},
	}
	for _, tt := range tests {
		if got := tt.in.Index(); got != tt.want {
			t.Errorf("%v.Index() = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// Every index names a distinct valid code, in increasing numeric order, and
// Index undoes CodeFromIndex.
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

func TestParseCode_StringRoundTrip(t *testing.T) {
	for i := range mastermind.NumCodes {
		want := mastermind.CodeFromIndex(i)
		got, err := mastermind.ParseCode(want.String())
		if err != nil || got != want {
			t.Fatalf("ParseCode(%q) = %v, %v; want %v, nil", want.String(), got, err, want)
		}
	}
}
