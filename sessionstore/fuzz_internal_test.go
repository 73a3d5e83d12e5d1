package sessionstore

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzDecodeValues checks that any stored bytes either decode to values
// that encode again, or give an error; never a panic. Stored sessions come
// from this package, but a corrupt entity must not break every request of
// its visitor.
func FuzzDecodeValues(f *testing.F) {
	for _, sample := range sampleSessions {
		data, err := encodeValues(sample.values)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		// The same values in gob, which holds plain values too.
		if data, err = encodeGob(sortedPairs(sample.values)); err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	// Keys that gob decodes but a map cannot hold: a corrupt entity, not
	// one this package wrote.
	for _, key := range []any{[]int{1}, []string{"a"}, []byte("k")} {
		data, err := encodeGob([]pair{{K: key, V: 1}})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte{})
	f.Add([]byte{formatGob})
	f.Add([]byte{formatPlain})
	f.Add([]byte{formatPlain, 1, tagString, 1, 'k', tagInt, 4})
	f.Add([]byte{3, 1, 2, 3})
	f.Add([]byte{formatPlain, 1, tagString, 1, 'k', tagStrings, 2, 1, 'a', 0})

	f.Fuzz(func(t *testing.T, data []byte) {
		values, err := decodeValues(data)
		if err != nil {
			return
		}
		again, err := encodeValues(values)
		if err != nil {
			t.Fatalf("decoded values %v do not encode again: %v", values, err)
		}
		back, err := decodeValues(again)
		if err != nil || len(back) != len(values) {
			t.Fatalf("re-encoded values decode to %v, %v; want %d values", back, err, len(values))
		}
		// The plain format is exact: what it stores reads back equal, and
		// equal sessions, here two maps that give their keys in their own
		// random orders, encode to equal bytes, which is how Save sees that
		// nothing changed. (A NaN equals nothing, and NaN keys have no
		// order; gob writes maps inside values in random order.)
		if again[0] == formatPlain && !hasNaN(values) {
			if !reflect.DeepEqual(back, values) {
				t.Fatalf("plain round trip changed %#v into %#v", values, back)
			}
			if third, err := encodeValues(back); err != nil || !bytes.Equal(third, again) {
				t.Fatalf("plain encoding is not stable: %x, then %x (%v)", again, third, err)
			}
		}
	})
}

// hasNaN reports whether a key or value of a plain session is a NaN.
func hasNaN(values map[any]any) bool {
	isNaN := func(x any) bool {
		switch f := x.(type) {
		case float64:
			return f != f
		case float32:
			return f != f
		}
		return false
	}
	for k, v := range values {
		if isNaN(k) || isNaN(v) {
			return true
		}
	}
	return false
}
