package sessionstore_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"cloud.google.com/go/datastore"
	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

const lifetime = sessionstore.DefaultMaxAge * time.Second

func TestStore_Update_expiredSessionStartsAfreshUnderNewID(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		oldCookie, _ := v.click(t, nil)
		oldID := v.load(t, oldCookie).ID
		v.clock.advance(lifetime + time.Second)
		newCookie, err := v.click(t, oldCookie)
		if err != nil {
			t.Fatal(err)
		}
		sess := v.load(t, newCookie)
		if sess.Values["count"] != 1 || sess.ID == oldID {
			t.Errorf("got count %v id changed %v, want count 1 under a new id", sess.Values["count"], sess.ID != oldID)
		}
		if got := v.entityCount(t); got != 1 {
			t.Errorf("got %d entities, want 1 (the expired one deleted)", got)
		}
	})
}

// The server, not the cookie, ends a session: an expired entity is a fresh
// session whatever cookie comes back, here a browser-session cookie, which
// has no expiry of its own (the ending table's expired case replays one
// with Max-Age).
func TestStore_Save_browserSessionCookieStillExpiresOnServer(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		v.store.MaxAge(0)
		cookie := v.save(t, map[any]any{"count": 1})
		if cookie.MaxAge != 0 || !cookie.Expires.IsZero() {
			t.Errorf("got cookie Max-Age=%d Expires=%v, want a browser-session cookie", cookie.MaxAge, cookie.Expires)
		}
		v.clock.advance(sessionstore.DefaultBrowserSessionLifetime - time.Minute)
		if got := v.load(t, cookie); got.IsNew {
			t.Fatal("session gone before its lifetime")
		}
		v.clock.advance(2 * time.Minute)
		if got := v.load(t, cookie); !got.IsNew {
			t.Errorf("got %v after the server-side lifetime, want a fresh session", got.Values)
		}
	})
}

// Save of unchanged values, and Renew, push back the expiry once a tenth
// of the lifetime has passed since the last write, in a transaction, and
// send the renewed cookie; before that they cost nothing and send nothing.
func TestStore_renewsExpiryOnlyWhenDue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		save func(s *sessionstore.Store, r *http.Request, w http.ResponseWriter, sess *sessions.Session) error
	}{
		{"Save", (*sessionstore.Store).Save},
		{"Renew", (*sessionstore.Store).Renew},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
				v := newEnv(t, e)
				cookie := v.save(t, map[any]any{"count": 1})
				save := func() (map[string]int, bool) {
					r := request(t, cookie)
					sess, _ := v.store.Get(r, name)
					v.calls.Reset()
					w := httptest.NewRecorder()
					if err := tc.save(v.store, r, w, sess); err != nil {
						t.Fatalf("%s: %v", tc.name, err)
					}
					return v.calls.Calls(), sessionCookie(w) != nil
				}
				v.clock.advance(lifetime / 20)
				if calls, sent := save(); len(calls) != 0 || sent {
					t.Errorf("not due: got calls %v, cookie sent %v; want neither", calls, sent)
				}
				v.clock.advance(lifetime / 10)
				want := map[string]int{"BeginTransaction": 1, "Lookup": 1, "Commit": 1}
				if calls, sent := save(); !reflect.DeepEqual(calls, want) || !sent {
					t.Errorf("due: got calls %v, cookie sent %v; want %v and the cookie", calls, sent, want)
				}
				if calls, sent := save(); len(calls) != 0 || sent {
					t.Errorf("just after renewal: got calls %v, cookie sent %v; want neither", calls, sent)
				}
				// Renewed at 15% of the first lifetime: alive past the first expiry.
				v.clock.advance(lifetime - lifetime/10)
				if got := v.load(t, cookie); got.IsNew || got.Values["count"] != 1 {
					t.Errorf("got %v after the first expiry, want the renewed session", got.Values)
				}
			})
		})
	}
}

func TestStore_Save_renewalKeepsConcurrentUpdate(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie, _ := v.click(t, nil)
		v.clock.advance(lifetime / 5)
		r := request(t, cookie)
		stale, _ := v.store.Get(r, name) // reads count 1
		if _, err := v.click(t, cookie); err != nil {
			t.Fatal(err) // count 2, committed meanwhile
		}
		if err := stale.Save(r, httptest.NewRecorder()); err != nil {
			t.Fatalf("Save: %v", err)
		}
		if got := v.load(t, cookie).Values["count"]; got != 2 {
			t.Errorf("got count %v, want 2: the renewal overwrote a newer update", got)
		}
	})
}

// DeleteExpired deletes expired sessions across batches, up to its limit,
// and leaves the live ones.
func TestStore_DeleteExpired(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		const expired, live, limit = sessionstore.CleanupBatch + 3, 2, 3
		for i := 0; i < expired; i += sessionstore.CleanupBatch {
			var keys []*datastore.Key
			var ents []*sessionstore.Entity
			for j := i; j < min(i+sessionstore.CleanupBatch, expired); j++ {
				keys = append(keys, v.store.Key(fmt.Sprint("expired", j)))
				ents = append(ents, &sessionstore.Entity{Values: []byte{1}, Expires: v.clock.now().Add(-time.Minute)})
			}
			if _, err := v.client.PutMulti(t.Context(), keys, ents); err != nil {
				t.Fatal(err)
			}
		}
		for range live {
			v.save(t, map[any]any{"count": 1})
		}
		for _, tc := range []struct{ limit, want int }{{limit, limit}, {0, expired - limit}} {
			if got, err := v.store.DeleteExpired(t.Context(), tc.limit); err != nil || got != tc.want {
				t.Errorf("DeleteExpired(limit %d): got %d deleted, %v; want %d", tc.limit, got, err, tc.want)
			}
		}
		if n := v.entityCount(t); n != live {
			t.Errorf("got %d entities left, want %d", n, live)
		}
	})
}
