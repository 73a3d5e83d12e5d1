package sessionstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// formatPlain is the first byte of a session whose keys and values are all
// bools, strings, []byte, ints and uints of any size, float32 or float64,
// and whose values may also be []string: a counter, a user id, a flag, a
// flash message, a list of guesses. Such a session is written in
// a small tagged format of its own instead of gob. Decoding gob costs a
// decoder compiled again for every stored session (about 15 µs and 195
// allocations for {"count": 42}), which was the largest part of a read's
// cost beside the Lookup; this format decodes the same session in 0.2 µs
// with 4 allocations (the map, and the key and value boxed in interfaces).
// Any other type, even one defined on a plain type (type Color string), and
// complex numbers and uintptr, keep their type through gob. An empty []byte
// decodes as nil, as it does with gob.
//
// The layout: formatPlain, the number of pairs (uvarint), then each pair's
// key and value, in the order of sortKey, each as a tag byte and its
// payload: an unsigned varint (uvarint), a signed one (zigzag varint), 4 or
// 8 little-endian bytes for a float, a uvarint length and that many bytes
// for a string or a []byte, or for a []string the number of strings
// (uvarint) and each string as a length and its bytes.
//
// Tags are only ever added, so every session of format 2 written before a
// tag existed still reads. The reverse does not hold: a version of this
// package from before tagStrings finds an unknown tag in a session that
// holds a []string, takes it as corrupt and starts that visitor afresh.
const formatPlain byte = 2

// The tags of the plain format, one per Go type. A tag is never reused for
// another type: stored sessions outlive the code that wrote them.
const (
	tagFalse byte = iota + 1
	tagTrue
	tagString
	tagBytes
	tagInt
	tagInt8
	tagInt16
	tagInt32
	tagInt64
	tagUint
	tagUint8
	tagUint16
	tagUint32
	tagUint64
	tagFloat32
	tagFloat64
	tagStrings // []string; not a key, which must be comparable
)

// appendPlain appends v in the plain format, or reports false if v is not of
// a type the format holds.
func appendPlain(b []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case bool:
		if v {
			return append(b, tagTrue), true
		}
		return append(b, tagFalse), true
	case string:
		b = binary.AppendUvarint(append(b, tagString), uint64(len(v)))
		return append(b, v...), true
	case []byte:
		b = binary.AppendUvarint(append(b, tagBytes), uint64(len(v)))
		return append(b, v...), true
	case int:
		return binary.AppendVarint(append(b, tagInt), int64(v)), true
	case int8:
		return binary.AppendVarint(append(b, tagInt8), int64(v)), true
	case int16:
		return binary.AppendVarint(append(b, tagInt16), int64(v)), true
	case int32:
		return binary.AppendVarint(append(b, tagInt32), int64(v)), true
	case int64:
		return binary.AppendVarint(append(b, tagInt64), v), true
	case uint:
		return binary.AppendUvarint(append(b, tagUint), uint64(v)), true
	case uint8:
		return binary.AppendUvarint(append(b, tagUint8), uint64(v)), true
	case uint16:
		return binary.AppendUvarint(append(b, tagUint16), uint64(v)), true
	case uint32:
		return binary.AppendUvarint(append(b, tagUint32), uint64(v)), true
	case uint64:
		return binary.AppendUvarint(append(b, tagUint64), v), true
	case float32:
		return binary.LittleEndian.AppendUint32(append(b, tagFloat32), math.Float32bits(v)), true
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, tagFloat64), math.Float64bits(v)), true
	case []string:
		b = binary.AppendUvarint(append(b, tagStrings), uint64(len(v)))
		for _, s := range v {
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
		return b, true
	}
	return b, false
}

// encodePlain encodes pairs, already in sortKey order, in the plain format,
// or reports false if a key or value is not of a type it holds. A []byte
// key cannot occur: a map key is comparable.
func encodePlain(pairs []pair) ([]byte, bool) {
	size := 1 + binary.MaxVarintLen64
	for _, p := range pairs {
		size += 2 + 2*binary.MaxVarintLen64 + plainLen(p.K) + plainLen(p.V)
	}
	b := make([]byte, 0, size)
	b = append(b, formatPlain)
	b = binary.AppendUvarint(b, uint64(len(pairs)))
	for _, p := range pairs {
		var ok bool
		if b, ok = appendPlain(b, p.K); !ok {
			return nil, false
		}
		if b, ok = appendPlain(b, p.V); !ok {
			return nil, false
		}
	}
	return b, true
}

// plainLen is the length of v's variable-size payload, to size the buffer.
func plainLen(v any) int {
	switch v := v.(type) {
	case string:
		return len(v)
	case []byte:
		return len(v)
	case []string:
		n := len(v) * binary.MaxVarintLen64
		for _, s := range v {
			n += len(s)
		}
		return n
	}
	return 0
}

var errPlainShort = errors.New("data ends early")

// plainReader reads the plain format; its methods fail on anything this
// package could not have written, so a corrupt entity is an error, never a
// panic or a value that was not stored.
type plainReader struct {
	data []byte
	off  int
}

func (r *plainReader) uvarint() (uint64, error) {
	v, n := binary.Uvarint(r.data[r.off:])
	if n <= 0 {
		return 0, errors.New("bad unsigned number")
	}
	r.off += n
	return v, nil
}

func (r *plainReader) varint() (int64, error) {
	v, n := binary.Varint(r.data[r.off:])
	if n <= 0 {
		return 0, errors.New("bad signed number")
	}
	r.off += n
	return v, nil
}

func (r *plainReader) bytes() ([]byte, error) {
	n, err := r.uvarint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(r.data)-r.off) {
		return nil, errPlainShort
	}
	b := r.data[r.off : r.off+int(n)]
	r.off += int(n)
	return b, nil
}

// strings reads a []string. Each string takes at least its length's byte,
// so a count above the bytes left is corrupt and must not size the slice.
// No strings decode as nil, as gob decodes an empty []string.
func (r *plainReader) strings() ([]string, error) {
	n, err := r.uvarint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(r.data)-r.off) {
		return nil, errPlainShort
	}
	if n == 0 {
		return nil, nil
	}
	v := make([]string, n)
	for i := range v {
		b, err := r.bytes()
		if err != nil {
			return nil, err
		}
		v[i] = string(b)
	}
	return v, nil
}

func (r *plainReader) fixed(n int) ([]byte, error) {
	if len(r.data)-r.off < n {
		return nil, errPlainShort
	}
	b := r.data[r.off : r.off+n]
	r.off += n
	return b, nil
}

// integer reads a number of type T, a zigzag varint if T is signed and a
// uvarint if not, and refuses one that T cannot hold.
func integer[T int | int8 | int16 | int32 | int64 | uint | uint8 | uint16 | uint32 | uint64](r *plainReader) (any, error) {
	if T(0)-1 < 0 {
		v, err := r.varint()
		if err == nil && int64(T(v)) != v {
			err = fmt.Errorf("%d does not fit in %T", v, T(0))
		}
		return T(v), err
	}
	v, err := r.uvarint()
	if err == nil && uint64(T(v)) != v {
		err = fmt.Errorf("%d does not fit in %T", v, T(0))
	}
	return T(v), err
}

// value reads one tagged value.
func (r *plainReader) value() (any, error) {
	if r.off >= len(r.data) {
		return nil, errPlainShort
	}
	tag := r.data[r.off]
	r.off++
	switch tag {
	case tagFalse:
		return false, nil
	case tagTrue:
		return true, nil
	case tagString:
		b, err := r.bytes()
		return string(b), err
	case tagBytes:
		b, err := r.bytes()
		if len(b) == 0 {
			return []byte(nil), err // as gob decodes an empty []byte
		}
		return append([]byte(nil), b...), err
	case tagInt:
		return integer[int](r)
	case tagInt8:
		return integer[int8](r)
	case tagInt16:
		return integer[int16](r)
	case tagInt32:
		return integer[int32](r)
	case tagInt64:
		return integer[int64](r)
	case tagUint:
		return integer[uint](r)
	case tagUint8:
		return integer[uint8](r)
	case tagUint16:
		return integer[uint16](r)
	case tagUint32:
		return integer[uint32](r)
	case tagUint64:
		return integer[uint64](r)
	case tagFloat32:
		b, err := r.fixed(4)
		if err != nil {
			return nil, err
		}
		return math.Float32frombits(binary.LittleEndian.Uint32(b)), nil
	case tagFloat64:
		b, err := r.fixed(8)
		if err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), nil
	case tagStrings:
		return r.strings()
	}
	return nil, fmt.Errorf("unknown tag %d", tag)
}

// decodePlain decodes data, which starts with formatPlain.
func decodePlain(data []byte) (map[any]any, error) {
	r := &plainReader{data: data, off: 1}
	n, err := r.uvarint()
	if err != nil {
		return nil, fmt.Errorf("sessionstore: decode session: %w", err)
	}
	// Each pair takes at least two bytes: more pairs than that is corrupt,
	// and must not size the map.
	if n > uint64(len(data)-r.off)/2 {
		return nil, fmt.Errorf("sessionstore: decode session: %d pairs in %d bytes", n, len(data))
	}
	values := make(map[any]any, n)
	for range n {
		k, err := r.value()
		if err != nil {
			return nil, fmt.Errorf("sessionstore: decode session: key: %w", err)
		}
		switch k.(type) {
		case []byte, []string:
			return nil, fmt.Errorf("sessionstore: decode session: a %T key cannot be a map key", k)
		}
		v, err := r.value()
		if err != nil {
			return nil, fmt.Errorf("sessionstore: decode session: value of %v: %w", k, err)
		}
		if _, dup := values[k]; dup {
			return nil, fmt.Errorf("sessionstore: decode session: key %v twice", k)
		}
		values[k] = v
	}
	if r.off != len(data) {
		return nil, fmt.Errorf("sessionstore: decode session: %d bytes after the last value", len(data)-r.off)
	}
	return values, nil
}
