package sessionstore_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// storedValues returns the encoded values of the session with id.
func (v *env) storedValues(t *testing.T, id string) []byte {
	t.Helper()
	var ent struct {
		Values  []byte `datastore:"values,noindex"`
		Expires any    `datastore:"expires"`
	}
	if err := v.client.Get(t.Context(), sessionstore.EntityKey(v.store, id), &ent); err != nil {
		t.Fatalf("read the entity: %v", err)
	}
	return ent.Values
}

// storeValues overwrites the encoded values of the session with id.
func (v *env) storeValues(t *testing.T, id string, data []byte) {
	t.Helper()
	ent := &struct {
		Values  []byte `datastore:"values,noindex"`
		Expires any    `datastore:"expires"`
	}{data, v.clock.now().Add(1e12)}
	if _, err := v.client.Put(t.Context(), sessionstore.EntityKey(v.store, id), ent); err != nil {
		t.Fatal(err)
	}
}

func TestStore_formatWritten(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		for _, tc := range []struct {
			name     string
			writeGob bool
			want     byte
		}{
			{"plain by default", false, 2},
			{"gob with WriteGob", true, 1},
		} {
			t.Run(tc.name, func(t *testing.T) {
				v := newEnv(t, e)
				v.store.WriteGob = tc.writeGob
				cookie := v.save(t, map[any]any{"count": 1})
				sess := v.load(t, cookie)
				if got := v.storedValues(t, sess.ID)[0]; got != tc.want {
					t.Errorf("stored format %d, want %d", got, tc.want)
				}
				// A store of the other setting reads it: both read both.
				w := v.sibling(t, e)
				w.store.WriteGob = !tc.writeGob
				if got := w.load(t, cookie).Values["count"]; got != 1 {
					t.Errorf("the other store reads count %v, want 1", got)
				}
			})
		}
	})
}

// A session in a format only a newer version writes is not corrupt: this
// version must neither start its visitor afresh nor overwrite it, so that
// a rollback or a traffic split between versions loses nothing.
func TestStore_newerFormatIsNeitherReadNorReplaced(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie := v.save(t, map[any]any{"count": 1})
		id := v.load(t, cookie).ID
		newer := []byte{3, 0xca, 0xfe}
		v.storeValues(t, id, newer)

		r := request(t, cookie)
		sess, err := v.store.Get(r, name)
		if !errors.Is(err, sessionstore.ErrNewerFormat) {
			t.Fatalf("Get: %v, want ErrNewerFormat", err)
		}
		sess.Values["count"] = 7
		if err := v.store.Save(r, httptest.NewRecorder(), sess); !errors.Is(err, sessionstore.ErrLoadFailed) {
			t.Errorf("Save after ErrNewerFormat: %v, want ErrLoadFailed", err)
		}
		if _, err := v.click(t, cookie); !errors.Is(err, sessionstore.ErrNewerFormat) || errors.Is(err, sessionstore.ErrUnavailable) {
			t.Errorf("Update: %v, want ErrNewerFormat and not ErrUnavailable", err)
		}
		if got := v.storedValues(t, id); string(got) != string(newer) {
			t.Errorf("stored values became %v, want them untouched (%v)", got, newer)
		}
	})
}

// With WriteGob set, a session stored in the plain format is written again
// as gob by whichever call meets it next, even unchanged, so that after a
// session lifetime a version that reads only gob can take over.
func TestStore_WriteGobRewritesPlainSessions(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		for _, tc := range []struct {
			name string
			meet func(t *testing.T, v *env, cookie *http.Cookie)
		}{
			{"Save", func(t *testing.T, v *env, cookie *http.Cookie) {
				r := request(t, cookie)
				sess, err := v.store.Get(r, name)
				if err != nil {
					t.Fatal(err)
				}
				if err := v.store.Save(r, httptest.NewRecorder(), sess); err != nil {
					t.Fatal(err)
				}
			}},
			{"Renew", func(t *testing.T, v *env, cookie *http.Cookie) {
				r := request(t, cookie)
				sess, err := v.store.Get(r, name)
				if err != nil {
					t.Fatal(err)
				}
				sess.Values["count"] = 99 // not saved by Renew
				if err := v.store.Renew(r, httptest.NewRecorder(), sess); err != nil {
					t.Fatal(err)
				}
			}},
			{"Update", func(t *testing.T, v *env, cookie *http.Cookie) {
				r := request(t, cookie)
				if _, err := v.store.Update(r, httptest.NewRecorder(), name, func(*sessions.Session) error { return nil }); err != nil {
					t.Fatal(err)
				}
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				plain := newEnv(t, e)
				cookie := plain.save(t, map[any]any{"count": 1})
				id := plain.load(t, cookie).ID
				gobStore := plain.sibling(t, e)
				gobStore.store.WriteGob = true
				tc.meet(t, gobStore, cookie)
				if got := gobStore.storedValues(t, id)[0]; got != 1 {
					t.Errorf("stored format %d after %s, want gob (1)", got, tc.name)
				}
				if got := plain.load(t, cookie).Values["count"]; got != 1 {
					t.Errorf("count %v after %s, want 1", got, tc.name)
				}
			})
		}
	})
}
