package sessionstore_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// A visitor without a cookie gets a fresh session, and one that stays
// empty costs no Datastore call and sets no cookie, whether the handler
// saves it or updates it.
func TestStore_newVisitorWithNothingToSaveCostsNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		use  func(v *env, r *http.Request, w http.ResponseWriter) (*sessions.Session, error)
	}{
		{"Get, then Save", func(v *env, r *http.Request, w http.ResponseWriter) (*sessions.Session, error) {
			sess, err := v.store.Get(r, name)
			if err != nil {
				return sess, err
			}
			return sess, sess.Save(r, w)
		}},
		{"Update", func(v *env, r *http.Request, w http.ResponseWriter) (*sessions.Session, error) {
			return v.store.Update(r, w, name, func(*sessions.Session) error { return nil })
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
				v := newEnv(t, e)
				w := httptest.NewRecorder()
				sess, err := tc.use(v, request(t, nil), w)
				if err != nil {
					t.Fatal(err)
				}
				if !sess.IsNew || len(sess.Values) != 0 || sess.ID != "" {
					t.Errorf("got IsNew=%v values=%v id=%q, want a new empty session", sess.IsNew, sess.Values, sess.ID)
				}
				if got := w.Header().Values("Set-Cookie"); len(got) != 0 {
					t.Errorf("got Set-Cookie %q, want none", got)
				}
				if got := v.calls.Total(); got != 0 {
					t.Errorf("got %d Datastore calls, want 0", got)
				}
			})
		})
	}
}

// Save writes a session in one Commit when its values changed, and when it
// is saved on another request than the one that read it, where the store
// has no record of what it read to compare with: never skipped, so no
// change is lost.
func TestStore_Save_writesOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		count     int
		elsewhere bool
	}{
		{"changed", 2, false},
		{"unchanged, on another request", 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
				v := newEnv(t, e)
				cookie := v.save(t, map[any]any{"count": 1})
				r := request(t, cookie)
				sess, _ := v.store.Get(r, name)
				sess.Values["count"] = tc.count
				if tc.elsewhere {
					r = request(t, cookie)
				}
				v.calls.Reset()
				if err := sess.Save(r, httptest.NewRecorder()); err != nil {
					t.Fatalf("Save: %v", err)
				}
				if got, want := v.calls.Calls(), map[string]int{"Commit": 1}; !reflect.DeepEqual(got, want) {
					t.Errorf("got calls %v, want %v", got, want)
				}
				if got := v.load(t, cookie).Values["count"]; got != tc.count {
					t.Errorf("got count %v, want %d", got, tc.count)
				}
			})
		})
	}
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
	})
}

// Save and Update refuse values they cannot store, saying why, and Update
// ends with its fn's error as it is: nothing is written, no cookie is sent,
// and the stored session stays as it was.
func TestStore_refusesWhatItCannotStore(t *testing.T) {
	t.Parallel()
	type unregistered struct{ A int }
	errNo := errors.New("no")
	for _, tc := range []struct {
		name    string
		update  bool
		value   any
		fnErr   error
		want    error
		mention []string
	}{
		{"Save, too large", false, strings.Repeat("x", 1100_000), nil, sessionstore.ErrTooLarge, []string{"over the limit"}},
		{"Save, of a type gob does not know", false, unregistered{1}, nil, sessionstore.ErrUnencodable, []string{"unregistered", "gob.Register", "thing"}},
		{"Update, too large", true, strings.Repeat("x", 1100_000), nil, sessionstore.ErrTooLarge, []string{"over the limit"}},
		{"Update, fn's error", true, 100, errNo, errNo, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
				v := newEnv(t, e)
				cookie := v.save(t, map[any]any{"count": 1})
				r, w := request(t, cookie), httptest.NewRecorder()
				v.calls.Reset()
				var err error
				wantCalls := map[string]int{"Lookup": 1} // Get's: Save calls nothing
				if tc.update {
					_, err = v.store.Update(r, w, name, func(s *sessions.Session) error {
						s.Values["thing"] = tc.value
						return tc.fnErr
					})
					wantCalls = map[string]int{"BeginTransaction": 1, "Lookup": 1, "Rollback": 1}
				} else {
					sess, _ := v.store.Get(r, name)
					sess.Values["thing"] = tc.value
					err = sess.Save(r, w)
				}
				if !errors.Is(err, tc.want) {
					t.Fatalf("got error %v, want %v", err, tc.want)
				}
				for _, want := range tc.mention {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not mention %q", err, want)
					}
				}
				if got := v.calls.Calls(); !reflect.DeepEqual(got, wantCalls) {
					t.Errorf("got calls %v, want %v", got, wantCalls)
				}
				if got := w.Header().Values("Set-Cookie"); len(got) != 0 {
					t.Errorf("got Set-Cookie %q, want none", got)
				}
				if got := v.load(t, cookie).Values; !reflect.DeepEqual(got, map[any]any{"count": 1}) {
					t.Errorf("got stored values %v, want the session as it was", got)
				}
			})
		})
	}
}

// A session ends when saved with MaxAge < 0 or with no values left, or
// when Update's fn sets MaxAge < 0: its entity is deleted, its cookie
// cleared, and a replayed cookie finds nothing. So it does when saved on
// another request than the one that read it, where the store has no record
// of the read. An expired session's stale cookie is cleared too (Save
// leaves its entity to DeleteExpired).
func TestStore_endingDeletesAndClearsTheCookie(t *testing.T) {
	t.Parallel()
	maxAge := func(s *sessions.Session) { s.Options.MaxAge = -1 }
	for _, tc := range []struct {
		name                       string
		expired, update, elsewhere bool
		end                        func(*sessions.Session)
		wantEntities               int
	}{
		{"Save, MaxAge < 0", false, false, false, maxAge, 0},
		{"Save, values emptied", false, false, false, func(s *sessions.Session) { delete(s.Values, "count") }, 0},
		{"Save, MaxAge < 0 once expired", true, false, false, maxAge, 1},
		{"Save, MaxAge < 0 on another request", false, false, true, maxAge, 0},
		{"Update, MaxAge < 0", false, true, false, maxAge, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
				v := newEnv(t, e)
				cookie := v.save(t, map[any]any{"count": 3})
				if tc.expired {
					v.clock.advance(lifetime + time.Second)
				}
				r, w := request(t, cookie), httptest.NewRecorder()
				var err error
				if tc.update {
					_, err = v.store.Update(r, w, name, func(s *sessions.Session) error { tc.end(s); return nil })
				} else {
					sess, _ := v.store.Get(r, name)
					tc.end(sess)
					if tc.elsewhere {
						r = request(t, cookie)
					}
					err = sess.Save(r, w)
				}
				if err != nil {
					t.Fatal(err)
				}
				if c := sessionCookie(w); c == nil || c.MaxAge >= 0 || c.Value != "" {
					t.Errorf("got cookie %v, want it cleared", c)
				}
				if got := v.entityCount(t); got != tc.wantEntities {
					t.Errorf("got %d entities, want %d", got, tc.wantEntities)
				}
				if replay := v.load(t, cookie); !replay.IsNew || len(replay.Values) != 0 {
					t.Errorf("replayed cookie got %v, want a fresh session", replay.Values)
				}
			})
		})
	}
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
