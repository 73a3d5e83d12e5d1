package sessionstore_test

import (
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"cloud.google.com/go/datastore"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

const lifetime = sessionstore.DefaultMaxAge * time.Second

func TestStore_Get_expiredSessionIsFresh(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie := v.save(t, map[any]any{"count": 3})
		v.clock.advance(lifetime + time.Second)
		if got := v.load(t, cookie); !got.IsNew || len(got.Values) != 0 {
			t.Errorf("got IsNew=%v values=%v, want a fresh session", got.IsNew, got.Values)
		}
	})
}

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

func TestStore_Save_renewsExpiryOnlyWhenDue(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie := v.save(t, map[any]any{"count": 1})
		saveUnchanged := func() map[string]int {
			r := request(t, cookie)
			sess, _ := v.store.Get(r, name)
			v.calls.Reset()
			if err := sess.Save(r, httptest.NewRecorder()); err != nil {
				t.Fatalf("Save: %v", err)
			}
			return v.calls.Calls()
		}
		v.clock.advance(lifetime / 20)
		if got := saveUnchanged(); len(got) != 0 {
			t.Errorf("before renewal is due: got calls %v, want none", got)
		}
		v.clock.advance(lifetime / 10)
		want := map[string]int{"BeginTransaction": 1, "Lookup": 1, "Commit": 1}
		if got := saveUnchanged(); !reflect.DeepEqual(got, want) {
			t.Errorf("renewal due: got calls %v, want %v", got, want)
		}
		if got := saveUnchanged(); len(got) != 0 {
			t.Errorf("just after renewal: got calls %v, want none", got)
		}
		// Renewed at 15% of the first lifetime: alive past the first expiry.
		v.clock.advance(lifetime - lifetime/10)
		if got := v.load(t, cookie); got.IsNew {
			t.Error("renewed session expired at its first expiry")
		}
	})
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

func TestStore_DeleteExpired(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		const expired, live = sessionstore.CleanupBatch + 3, 2
		keys := make([]*datastore.Key, expired)
		ents := make([]any, expired)
		for i := range keys {
			keys[i] = v.store.Key("expired" + string(rune('a'+i%26)) + time.Duration(i).String())
			ents[i] = &struct {
				Values  []byte    `datastore:"values,noindex"`
				Expires time.Time `datastore:"expires"`
			}{[]byte{1}, v.clock.now().Add(-time.Minute)}
		}
		for i := 0; i < expired; i += sessionstore.CleanupBatch {
			j := min(i+sessionstore.CleanupBatch, expired)
			if _, err := v.client.PutMulti(t.Context(), keys[i:j], ents[i:j]); err != nil {
				t.Fatal(err)
			}
		}
		for range live {
			v.save(t, map[any]any{"count": 1})
		}
		got, err := v.store.DeleteExpired(t.Context(), 0)
		if err != nil {
			t.Fatalf("DeleteExpired: %v", err)
		}
		if got != expired {
			t.Errorf("got %d deleted, want %d", got, expired)
		}
		if n := v.entityCount(t); n != live {
			t.Errorf("got %d entities left, want %d", n, live)
		}
	})
}

func TestStore_DeleteExpired_stopsAtLimit(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		for range 5 {
			v.save(t, map[any]any{"count": 1})
		}
		v.clock.advance(lifetime + time.Second)
		got, err := v.store.DeleteExpired(t.Context(), 3)
		if err != nil {
			t.Fatalf("DeleteExpired: %v", err)
		}
		if got != 3 || v.entityCount(t) != 2 {
			t.Errorf("got %d deleted and %d left, want 3 and 2", got, v.entityCount(t))
		}
	})
}

func TestStore_Save_endingAnExpiredSessionClearsItsCookie(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie := v.save(t, map[any]any{"count": 1})
		v.clock.advance(lifetime + time.Second)
		r := request(t, cookie)
		sess, _ := v.store.Get(r, name)
		sess.Options.MaxAge = -1
		w := httptest.NewRecorder()
		if err := sess.Save(r, w); err != nil {
			t.Fatalf("Save: %v", err)
		}
		if c := sessionCookie(w); c == nil || c.MaxAge >= 0 {
			t.Errorf("got cookie %v, want the stale cookie cleared", c)
		}
	})
}

func TestStore_Renew(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie := v.save(t, map[any]any{"count": 1})
		renew := func() (map[string]int, bool) {
			r := request(t, cookie)
			sess, _ := v.store.Get(r, name)
			v.calls.Reset()
			w := httptest.NewRecorder()
			if err := v.store.Renew(r, w, sess); err != nil {
				t.Fatalf("Renew: %v", err)
			}
			return v.calls.Calls(), sessionCookie(w) != nil
		}
		if calls, sent := renew(); len(calls) != 0 || sent {
			t.Errorf("not due: got calls %v, cookie sent %v; want neither", calls, sent)
		}
		v.clock.advance(lifetime / 5)
		want := map[string]int{"BeginTransaction": 1, "Lookup": 1, "Commit": 1}
		if calls, sent := renew(); !reflect.DeepEqual(calls, want) || !sent {
			t.Errorf("due: got calls %v, cookie sent %v; want %v and the cookie", calls, sent, want)
		}
		v.clock.advance(lifetime - lifetime/10)
		if got := v.load(t, cookie); got.IsNew || got.Values["count"] != 1 {
			t.Errorf("got %v after the first expiry, want the renewed session", got.Values)
		}
	})
}
