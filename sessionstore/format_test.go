package sessionstore_test

import (
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// stored returns the entity of the session with id.
func (v *env) stored(t *testing.T, id string) sessionstore.Entity {
	t.Helper()
	var ent sessionstore.Entity
	if err := v.client.Get(t.Context(), v.store.Key(id), &ent); err != nil {
		t.Fatalf("read the entity: %v", err)
	}
	return ent
}

// storeValues overwrites the encoded values of the session with id.
func (v *env) storeValues(t *testing.T, id string, data []byte) {
	t.Helper()
	ent := &sessionstore.Entity{Values: data, Expires: v.clock.now().Add(time.Hour)}
	if _, err := v.client.Put(t.Context(), v.store.Key(id), ent); err != nil {
		t.Fatal(err)
	}
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
		if got := v.stored(t, id).Values; string(got) != string(newer) {
			t.Errorf("stored values became %v, want them untouched (%v)", got, newer)
		}
	})
}
