package sessionstore

import (
	"bytes"
	"encoding/gob"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// color is a type defined on a plain one: it must keep its type, so it
// goes through gob.
type color string

func init() { gob.Register(color("")) }

// sampleSessions are the sessions the round trip test encodes, with the
// format each must be written in, and FuzzDecodeValues's seeds.
var sampleSessions = []struct {
	name    string
	values  map[any]any
	format  byte
	decoded map[any]any // what values decode to, if not values themselves
}{
	{"empty", map[any]any{}, formatPlain, nil},
	{"counter", map[any]any{"count": 42}, formatPlain, nil},
	{"bools", map[any]any{"t": true, "f": false}, formatPlain, nil},
	{"strings", map[any]any{"empty": "", "text": "héllo\x00wörld", "long": strings.Repeat("x", 300)}, formatPlain, nil},
	{"bytes", map[any]any{"b": []byte{0, 1, 255}, "nil": []byte(nil)}, formatPlain, nil},
	{"signed limits", map[any]any{
		"int min": math.MinInt, "int max": math.MaxInt,
		"int8": int8(math.MinInt8), "int16": int16(math.MaxInt16),
		"int32": int32(math.MinInt32), "int64": int64(math.MaxInt64),
	}, formatPlain, nil},
	{"unsigned limits", map[any]any{
		"uint": uint(math.MaxUint), "uint8": uint8(math.MaxUint8), "uint16": uint16(math.MaxUint16),
		"uint32": uint32(math.MaxUint32), "uint64": uint64(math.MaxUint64), "zero": uint(0),
	}, formatPlain, nil},
	{"floats", map[any]any{"f32": float32(-1.5), "f64": math.Pi, "inf": math.Inf(-1), "neg zero": math.Copysign(0, -1)}, formatPlain, nil},
	{"keys of several types", map[any]any{7: "seven", int64(7): "seven as int64", true: 1, 2.5: "x", "7": uint8(7)}, formatPlain, nil},
	{"string lists", map[any]any{
		"guessList": []string{"1122", "3456"}, "nil": []string(nil), "one empty": []string{""},
		"text": []string{"héllo\x00wörld", strings.Repeat("x", 300)}, "secret": "3632",
	}, formatPlain, nil},
	// An empty []byte or []string decodes as nil in both formats, as gob
	// decodes it, so a session reads the same whichever format stored it.
	{name: "empty slices", values: map[any]any{"b": []byte{}, "s": []string{}}, format: formatPlain,
		decoded: map[any]any{"b": []byte(nil), "s": []string(nil)}},
	// What the plain format does not hold falls back to gob.
	{"a type defined on string", map[any]any{"c": color("red")}, formatGob, nil},
	{"a slice of other than strings", map[any]any{"list": []int{1, 2}}, formatGob, nil},
	{"one value of many", map[any]any{"count": 1, "name": "x", "c": color("red")}, formatGob, nil},
	{"a key of a defined type", map[any]any{color("k"): 1}, formatGob, nil},
}

// Values are written in the plain format when it holds them all, else with
// gob, and read back equal. Gob holds plain values too, and is what this
// package wrote before the plain format: those sessions read back the same.
func TestEncodeValues_roundTrip(t *testing.T) {
	for _, tc := range sampleSessions {
		t.Run(tc.name, func(t *testing.T) {
			data, err := encodeValues(tc.values)
			if err != nil {
				t.Fatal(err)
			}
			if data[0] != tc.format {
				t.Fatalf("format %d, want %d", data[0], tc.format)
			}
			gobbed, err := encodeGob(sortedPairs(tc.values))
			if err != nil {
				t.Fatal(err)
			}
			want := tc.values
			if tc.decoded != nil {
				want = tc.decoded
			}
			for _, data := range [][]byte{data, gobbed} {
				got, err := decodeValues(data)
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("format %d: decoded %#v, %v; want %#v", data[0], got, err, want)
				}
				if f, ok := got["neg zero"].(float64); ok && !math.Signbit(f) {
					t.Errorf("format %d: -0 decoded as +0", data[0])
				}
			}
		})
	}
}

// A float's NaN is not equal to itself, so it is checked apart.
func TestPlainFormatKeepsNaN(t *testing.T) {
	data, err := encodeValues(map[any]any{"nan": math.NaN()})
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeValues(data)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := got["nan"].(float64); !ok || !math.IsNaN(f) {
		t.Errorf("decoded %#v, want NaN", got["nan"])
	}
}

func TestPlainFormatRefusesCorruptData(t *testing.T) {
	valid, err := encodeValues(map[any]any{"count": 42})
	if err != nil {
		t.Fatal(err)
	}
	p := formatPlain
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"no count", []byte{p}},
		{"more pairs than bytes", []byte{p, 100, tagTrue, tagTrue}},
		{"count overflows", append([]byte{p}, bytes.Repeat([]byte{0xff}, 11)...)},
		{"pair cut short", valid[:len(valid)-1]},
		{"bytes after the last value", append(append([]byte{}, valid...), 0)},
		{"unknown tag", []byte{p, 1, 0, tagTrue}},
		{"unknown tag above the last", []byte{p, 1, tagStrings + 1, tagTrue}},
		{"string longer than the data", []byte{p, 1, tagString, 50, 'a', tagTrue}},
		{"int8 out of range", []byte{p, 1, tagTrue, tagInt8, 0x80, 0x02}},
		{"uint8 out of range", []byte{p, 1, tagTrue, tagUint8, 0x80, 0x02}},
		{"int32 out of range", []byte{p, 1, tagTrue, tagInt32, 0x80, 0x80, 0x80, 0x80, 0x10}},
		{"float64 cut short", []byte{p, 1, tagTrue, tagFloat64, 0, 0, 0}},
		{"a []byte key", []byte{p, 1, tagBytes, 1, 'k', tagTrue}},
		{"a []string key", []byte{p, 1, tagStrings, 1, 1, 'k', tagTrue}},
		{"more strings than bytes", []byte{p, 1, tagTrue, tagStrings, 0xff, 0xff, 0xff, 0xff, 0x0f, 0}},
		{"a string of a list cut short", []byte{p, 1, tagTrue, tagStrings, 2, 1, 'a', 4, 'b'}},
		{"a string list without its count", []byte{p, 1, tagTrue, tagStrings}},
		{"a key twice", []byte{p, 2, tagTrue, tagTrue, tagTrue, tagFalse}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := decodeValues(tc.data); err == nil {
				t.Errorf("decoded %#v, want an error", got)
			}
		})
	}
}

// A first byte reserved for later formats is a newer version's session,
// not a corrupt one; any other unknown first byte is corruption.
func TestDecodeValuesTellsNewerFormatsFromCorruption(t *testing.T) {
	for _, tc := range []struct {
		first byte
		newer bool
	}{
		{0, false}, {3, true}, {formatReserved, true}, {formatReserved + 1, false}, {255, false},
	} {
		_, err := decodeValues([]byte{tc.first, 1, 2, 3})
		if err == nil {
			t.Fatalf("first byte %d: decoded, want an error", tc.first)
		}
		if got := errors.Is(err, ErrNewerFormat); got != tc.newer {
			t.Errorf("first byte %d: ErrNewerFormat is %v, want %v (%v)", tc.first, got, tc.newer, err)
		}
	}
}
