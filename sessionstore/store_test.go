package sessionstore_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

func TestStore_New_withoutCookieIsFreshAndFree(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		sess, err := v.store.New(request(t, nil), name)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		if !sess.IsNew || len(sess.Values) != 0 || sess.ID != "" {
			t.Errorf("got IsNew=%v values=%v id=%q, want a new empty session", sess.IsNew, sess.Values, sess.ID)
		}
		if got := v.calls.Total(); got != 0 {
			t.Errorf("got %d Datastore calls, want 0", got)
		}
	})
}

func TestStore_Save_emptySessionWritesNothing(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		r := request(t, nil)
		sess, _ := v.store.Get(r, name)
		w := httptest.NewRecorder()
		if err := sess.Save(r, w); err != nil {
			t.Fatalf("Save: %v", err)
		}
		if got := w.Header().Values("Set-Cookie"); len(got) != 0 {
			t.Errorf("got Set-Cookie %q, want none", got)
		}
		if got := v.calls.Total(); got != 0 {
			t.Errorf("got %d Datastore calls, want 0", got)
		}
	})
}

func TestStore_Get_returnsSavedValues(t *testing.T) {
	values := map[any]any{
		"count":  42,
		"name":   "Ada",
		"point":  point{3, 4},
		"list":   []string{"1122", "3456"},
		7:        true,
		"nested": map[string]int{"a": 1, "b": 2},
	}
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie := v.save(t, values)
		sess := v.load(t, cookie)
		if sess.IsNew {
			t.Error("got IsNew, want a stored session")
		}
		if !reflect.DeepEqual(sess.Values, values) {
			t.Errorf("got values %v, want %v", sess.Values, values)
		}
	})
}

func TestStore_Get_returningVisitorCostsOneLookup(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie := v.save(t, map[any]any{"count": 1})
		v.calls.Reset()
		r := request(t, cookie)
		sess, _ := v.store.Get(r, name)
		_, _ = v.store.Get(r, name) // the registry answers the second time
		if err := sess.Save(r, httptest.NewRecorder()); err != nil {
			t.Fatalf("Save: %v", err)
		}
		if got, want := v.calls.Calls(), map[string]int{"Lookup": 1}; !reflect.DeepEqual(got, want) {
			t.Errorf("got calls %v, want %v", got, want)
		}
	})
}

func TestStore_Save_unchangedValuesWriteNothing(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		// Several keys and a map value: gob writes maps in random order,
		// which must not pass for a change.
		cookie := v.save(t, map[any]any{"a": 1, "b": "two", "c": point{1, 2}, "m": map[string]int{"x": 1, "y": 2, "z": 3}})
		for range 5 {
			r := request(t, cookie)
			sess, _ := v.store.Get(r, name)
			v.calls.Reset()
			if err := sess.Save(r, httptest.NewRecorder()); err != nil {
				t.Fatalf("Save: %v", err)
			}
			if got := v.calls.Total(); got != 0 {
				t.Fatalf("got %d Datastore calls (%v), want 0", got, v.calls.Calls())
			}
		}
	})
}

func TestStore_Save_changedValuesWriteOnce(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie := v.save(t, map[any]any{"count": 1})
		r := request(t, cookie)
		sess, _ := v.store.Get(r, name)
		sess.Values["count"] = 2
		v.calls.Reset()
		if err := sess.Save(r, httptest.NewRecorder()); err != nil {
			t.Fatalf("Save: %v", err)
		}
		if got, want := v.calls.Calls(), map[string]int{"Commit": 1}; !reflect.DeepEqual(got, want) {
			t.Errorf("got calls %v, want %v", got, want)
		}
		if got := v.load(t, cookie).Values["count"]; got != 2 {
			t.Errorf("got count %v, want 2", got)
		}
	})
}

func TestStore_Save_cookie(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		v.store.Options.Secure = true
		c := v.save(t, map[any]any{"count": 1})
		if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge != sessionstore.DefaultMaxAge {
			t.Errorf("got cookie %+v, want HttpOnly, Secure, SameSite=Lax, Path=/, Max-Age=%d", c, sessionstore.DefaultMaxAge)
		}
		if len(c.Value) > 200 {
			t.Errorf("got a %d-byte cookie value, want a short signed id", len(c.Value))
		}
		if strings.Contains(c.String(), "count") {
			t.Errorf("cookie %q carries session data", c)
		}
	})
}

func TestStore_Get_badCookieIsFreshWithoutDatastore(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		good := v.save(t, map[any]any{"count": 1})
		other := newEnv(t, e, []byte("another key, 32 bytes long......"), nil).save(t, map[any]any{"count": 9})
		tests := []struct {
			name   string
			cookie *http.Cookie
		}{
			{"tampered", tamper(good)},
			{"garbage", &http.Cookie{Name: name, Value: "not-a-cookie"}},
			{"empty", &http.Cookie{Name: name, Value: ""}},
			{"huge", &http.Cookie{Name: name, Value: strings.Repeat("A", 8000)}},
			{"signed with another key", other},
			{"id swapped under a valid signature", &http.Cookie{Name: name, Value: good.Value[:20] + other.Value[20:]}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				v.calls.Reset()
				sess, err := v.store.Get(request(t, tt.cookie), name)
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				if !sess.IsNew || len(sess.Values) != 0 {
					t.Errorf("got IsNew=%v values=%v, want a fresh session", sess.IsNew, sess.Values)
				}
				if got := v.calls.Total(); got != 0 {
					t.Errorf("got %d Datastore calls, want 0", got)
				}
			})
		}
	})
}

func TestStore_keyRotation(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		old := newEnv(t, e, key1, nil)
		oldCookie := old.save(t, map[any]any{"count": 5})
		rotated := old.sibling(t, e, key2, nil, key1, nil)

		if got := rotated.load(t, oldCookie).Values["count"]; got != 5 {
			t.Fatalf("cookie signed with the old key: got count %v, want 5", got)
		}
		newCookie := rotated.save(t, map[any]any{"count": 6})
		if got := old.load(t, newCookie); !got.IsNew {
			t.Error("a store without the new key accepted a cookie the new key signed; want the first key to sign")
		}
		retired := old.sibling(t, e, key2, nil)
		if got := retired.load(t, oldCookie); !got.IsNew {
			t.Error("a cookie signed with a retired key still verified")
		}
	})
}

func TestStore_Save_tooLargeWritesNothing(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie := v.save(t, map[any]any{"count": 1})
		r := request(t, cookie)
		sess, _ := v.store.Get(r, name)
		sess.Values["blob"] = strings.Repeat("x", 1100_000)
		v.calls.Reset()
		err := sess.Save(r, httptest.NewRecorder())
		if !errors.Is(err, sessionstore.ErrTooLarge) {
			t.Fatalf("got error %v, want ErrTooLarge", err)
		}
		if got := v.calls.Total(); got != 0 {
			t.Errorf("got %d Datastore calls, want 0", got)
		}
		if got := v.load(t, cookie).Values; len(got) != 1 || got["count"] != 1 {
			t.Errorf("got stored values %v, want the session as it was", got)
		}
	})
}

func TestStore_Save_unregisteredTypeIsClearError(t *testing.T) {
	type unregistered struct{ A int }
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		r := request(t, nil)
		sess, _ := v.store.Get(r, name)
		sess.Values["thing"] = unregistered{1}
		err := sess.Save(r, httptest.NewRecorder())
		if !errors.Is(err, sessionstore.ErrUnencodable) {
			t.Fatalf("got error %v, want ErrUnencodable", err)
		}
		for _, want := range []string{"unregistered", "gob.Register", "thing"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		}
		if got := v.entityCount(t); got != 0 {
			t.Errorf("got %d entities, want 0", got)
		}
	})
}

func TestStore_Save_maxAgeNegativeDeletes(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie := v.save(t, map[any]any{"count": 3})
		r := request(t, cookie)
		sess, _ := v.store.Get(r, name)
		sess.Options.MaxAge = -1
		w := httptest.NewRecorder()
		if err := sess.Save(r, w); err != nil {
			t.Fatalf("Save: %v", err)
		}
		if c := sessionCookie(w); c == nil || c.MaxAge >= 0 || c.Value != "" {
			t.Errorf("got cookie %v, want it cleared", c)
		}
		if got := v.entityCount(t); got != 0 {
			t.Errorf("got %d entities, want 0", got)
		}
		if replay := v.load(t, cookie); !replay.IsNew || len(replay.Values) != 0 {
			t.Errorf("replayed cookie got %v, want a fresh session", replay.Values)
		}
	})
}

func TestStore_Save_emptiedSessionDeletes(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie := v.save(t, map[any]any{"count": 3})
		r := request(t, cookie)
		sess, _ := v.store.Get(r, name)
		delete(sess.Values, "count")
		if err := sess.Save(r, httptest.NewRecorder()); err != nil {
			t.Fatalf("Save: %v", err)
		}
		if got := v.entityCount(t); got != 0 {
			t.Errorf("got %d entities, want 0", got)
		}
	})
}

func TestStore_RotateID(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		oldCookie := v.save(t, map[any]any{"count": 7})
		r := request(t, oldCookie)
		sess, _ := v.store.Get(r, name)
		oldID := sess.ID
		w := httptest.NewRecorder()
		v.calls.Reset()
		if err := v.store.RotateID(r, w, sess); err != nil {
			t.Fatalf("RotateID: %v", err)
		}
		if got, want := v.calls.Calls(), map[string]int{"Commit": 1}; !reflect.DeepEqual(got, want) {
			t.Errorf("got calls %v, want %v", got, want)
		}
		if sess.ID == oldID {
			t.Fatal("id did not change")
		}
		newCookie := sessionCookie(w)
		if got := v.load(t, newCookie).Values["count"]; got != 7 {
			t.Errorf("new cookie: got count %v, want 7", got)
		}
		if got := v.load(t, oldCookie); !got.IsNew {
			t.Errorf("old cookie: got %v, want a fresh session", got.Values)
		}
		if got := v.entityCount(t); got != 1 {
			t.Errorf("got %d entities, want 1", got)
		}
	})
}

func TestStore_New_undecodableEntityIsFresh(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie := v.save(t, map[any]any{"count": 1})
		sess := v.load(t, cookie)
		v.storeValues(t, sess.ID, []byte{1, 9, 9, 9}) // gob's format byte, then garbage
		got, err := v.store.Get(request(t, cookie), name)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if !got.IsNew {
			t.Errorf("got %v, want a fresh session", got.Values)
		}
	})
}

func TestStore_Save_withoutWriteSendsNoCookie(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie := v.save(t, map[any]any{"count": 1})
		r := request(t, cookie)
		sess, _ := v.store.Get(r, name)
		w := httptest.NewRecorder()
		if err := sess.Save(r, w); err != nil {
			t.Fatalf("Save: %v", err)
		}
		if got := w.Header().Values("Set-Cookie"); len(got) != 0 {
			t.Errorf("got Set-Cookie %q for a Save that wrote nothing, want none", got)
		}
	})
}

func TestStore_Get_firstVerifiedOfSeveralCookies(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		good := v.save(t, map[any]any{"count": 5})
		r := request(t, &http.Cookie{Name: name, Value: "stale-garbage"})
		r.AddCookie(good)
		sess, err := v.store.Get(r, name)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if got := sess.Values["count"]; got != 5 {
			t.Errorf("got count %v, want 5 from the cookie that verifies", got)
		}
	})
}
