package sessionstore

import (
	"bytes"
	"cmp"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"time"

	"cloud.google.com/go/datastore"
	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/internal/dskit"
)

// entity is one session as Datastore holds it. Only the expiry is indexed:
// the cleanup query filters on it, and a TTL policy can use it.
type entity struct {
	Values  []byte    `datastore:"values,noindex"`
	Expires time.Time `datastore:"expires"`
}

func (e *entity) live(now time.Time) bool { return now.Before(e.Expires) }

// formatGob is the first byte of a gob-encoded session, so that another
// encoding (formatPlain, in plain.go) can be told apart from it.
const formatGob byte = 1

// pair is one session value. Values are encoded as pairs sorted by key,
// because gob writes a map in random order and equal sessions must encode to
// equal bytes for Save to see that nothing changed.
type pair struct {
	K, V any
}

// encodeValues encodes values in the plain format when every key and value
// is of a type it holds, and with gob otherwise; or explains which value
// cannot be encoded.
func encodeValues(values map[any]any) ([]byte, error) {
	pairs := sortedPairs(values)
	if data, ok := encodePlain(pairs); ok {
		return data, nil
	}
	data, err := encodeGob(pairs)
	if err != nil {
		return nil, unencodable(values, err)
	}
	return data, nil
}

// sortedPairs returns values as pairs in the order of their sortKey.
func sortedPairs(values map[any]any) []pair {
	pairs := make([]pair, 0, len(values))
	for k, v := range values {
		pairs = append(pairs, pair{k, v})
	}
	if len(pairs) > 1 {
		slices.SortFunc(pairs, func(a, b pair) int { return cmp.Compare(sortKey(a.K), sortKey(b.K)) })
	}
	return pairs
}

// encodeGob encodes pairs with gob, after formatGob.
func encodeGob(pairs []pair) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte(formatGob)
	if err := gob.NewEncoder(&buf).Encode(pairs); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func sortKey(k any) string {
	if s, ok := k.(string); ok {
		return "string\x00" + s
	}
	return fmt.Sprintf("%T\x00%v", k, k)
}

// encode encodes a session's values within the store's size limit.
func (s *Store) encode(sess *sessions.Session) ([]byte, error) {
	data, err := encodeValues(sess.Values)
	if err != nil {
		return nil, err
	}
	if max := s.MaxLength; max > 0 && len(data) > max {
		return nil, fmt.Errorf("%w: session %q encodes to %d bytes, over the limit of %d; keep large data in its own entities and only their keys in the session",
			ErrTooLarge, sess.Name(), len(data), max)
	}
	return data, nil
}

// unencodable names the first value gob refuses, so the message says what
// to register instead of gob's bare "type not registered for interface".
func unencodable(values map[any]any, err error) error {
	for k, v := range values {
		if gob.NewEncoder(io.Discard).Encode([]pair{{k, v}}) != nil {
			return fmt.Errorf("%w: the value of %v has type %T, which gob cannot encode; register the type once at start-up with gob.Register (%v)",
				ErrUnencodable, k, v, err)
		}
	}
	return fmt.Errorf("%w: %v", ErrUnencodable, err)
}

// formatReserved is the last format byte reserved for encodings that later
// versions of this package may add. A session whose first byte is above
// formatPlain and at most this was written by such a version: it is not
// corrupt, and must be neither decoded nor replaced (ErrNewerFormat).
const formatReserved byte = 31

// decodeValues decodes what encodeValues wrote, in either format.
func decodeValues(data []byte) (map[any]any, error) {
	if len(data) > 0 && data[0] == formatPlain {
		return decodePlain(data)
	}
	if len(data) > 0 && data[0] > formatPlain && data[0] <= formatReserved {
		return nil, fmt.Errorf("%w (its format is %d; this version reads 1 and 2)", ErrNewerFormat, data[0])
	}
	if len(data) == 0 || data[0] != formatGob {
		return nil, errors.New("sessionstore: unknown session encoding")
	}
	var pairs []pair
	if err := gob.NewDecoder(bytes.NewReader(data[1:])).Decode(&pairs); err != nil {
		return nil, fmt.Errorf("sessionstore: decode session: %w", err)
	}
	values := make(map[any]any, len(pairs))
	for _, p := range pairs {
		// A key this package wrote is always comparable; a corrupt entity's
		// may be a slice, which would panic as a map key.
		if p.K != nil && !reflect.ValueOf(p.K).Comparable() {
			return nil, fmt.Errorf("sessionstore: decode session: a key of type %T cannot be a map key", p.K)
		}
		values[p.K] = p.V
	}
	return values, nil
}

// unchanged reports whether values equal the ones stored as data. Equal
// bytes settle it; otherwise a value holding a map, which gob writes in
// random order, may still be equal, which a deep comparison settles.
func unchanged(values map[any]any, encoded, stored []byte) bool {
	if bytes.Equal(encoded, stored) {
		return true
	}
	old, err := decodeValues(stored)
	return err == nil && reflect.DeepEqual(old, values)
}

// key returns the Datastore key of session id's entity.
func (s *Store) key(id string) *datastore.Key {
	k := datastore.NameKey(s.Kind, id, nil)
	k.Namespace = s.Namespace
	return k
}

// lookup reads a session's entity; a missing entity is (nil, nil).
func (s *Store) lookup(ctx context.Context, id string) (*entity, error) {
	ctx, cancel := dskit.CallContext(ctx, s.Timeout)
	defer cancel()
	var e entity
	err := s.client.Get(ctx, s.key(id), &e)
	if errors.Is(err, datastore.ErrNoSuchEntity) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("load session", err)
	}
	return &e, nil
}

func (s *Store) put(ctx context.Context, id string, data []byte, expires time.Time) error {
	ctx, cancel := dskit.CallContext(ctx, s.Timeout)
	defer cancel()
	_, err := s.client.Put(ctx, s.key(id), &entity{Values: data, Expires: expires})
	return wrap("save session", err)
}

func (s *Store) delete(ctx context.Context, id string) error {
	ctx, cancel := dskit.CallContext(ctx, s.Timeout)
	defer cancel()
	return wrap("delete session", s.client.Delete(ctx, s.key(id)))
}

// renewEntity pushes back the expiry of unchanged values, writing back data, the
// bytes read. It runs in a transaction that checks the values are still
// the ones read, so a renewal never overwrites a concurrent Update with
// older values.
func (s *Store) renewEntity(ctx context.Context, id string, data []byte, expires time.Time) error {
	err := dskit.RunInTransaction(ctx, s.client, s.Timeout, func(tx *datastore.Transaction) error {
		var e entity
		if err := tx.Get(s.key(id), &e); err != nil {
			if errors.Is(err, datastore.ErrNoSuchEntity) {
				return nil // ended meanwhile: do not bring it back
			}
			return err
		}
		if !bytes.Equal(e.Values, data) || !e.Expires.Before(expires) {
			return nil // changed meanwhile, and renewed by that write
		}
		_, err := tx.Put(s.key(id), &entity{Values: data, Expires: expires})
		return err
	})
	return wrap("renew session", err)
}
