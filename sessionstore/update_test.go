package sessionstore_test

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

func TestStore_Update_concurrentClicksAreAllCounted(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		clicksAllCounted(t, 50, newEnv(t, e))
	})
}

// 5 clicks on each of two instances: only the transaction keeps them apart.
func TestStore_Update_concurrentClicksOnTwoInstancesAreAllCounted(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		a := newEnv(t, e)
		clicksAllCounted(t, 10, a, a.sibling(t, e))
	})
}

// clicksAllCounted clicks a new session once, then clicks it that many
// times at once, through each of envs (instances of the app) in turn, and
// checks that every click succeeded and was counted.
func clicksAllCounted(t *testing.T, clicks int, envs ...*env) {
	t.Helper()
	cookie, err := envs[0].click(t, nil)
	if err != nil {
		t.Fatalf("first click: %v", err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, clicks)
	for i := range clicks {
		wg.Go(func() {
			if _, err := envs[i%len(envs)].click(t, cookie); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("click: %v", err)
	}
	if got, want := envs[0].load(t, cookie).Values["count"], clicks+1; got != want {
		t.Errorf("got count %v, want %d", got, want)
	}
}

// A transaction that Datastore held past its deadline after answering its
// reads was held by other transactions' locks (Firestore in Datastore mode
// waits on them; across two instances that is a burst of clicks): it is
// ErrBusy, not ErrUnavailable, and writes nothing. Here fn holds the
// transaction until the request's deadline, which makes the same on both
// emulators; a Datastore that does not answer the reads is ErrUnavailable
// (failure_test.go). (A context of the test's own that reports the deadline
// when fn says was faster, but the store's contexts derived from it learn
// of it only later, in a goroutine: the commit went through once in some
// fifteen CI runs.)
func TestStore_Update_heldPastTheDeadlineIsErrBusy(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie, err := v.click(t, nil)
		if err != nil {
			t.Fatalf("first click: %v", err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		r := httptest.NewRequestWithContext(ctx, "POST", "/", nil)
		r.AddCookie(cookie)
		_, err = v.store.Update(r, httptest.NewRecorder(), name, func(s *sessions.Session) error {
			s.Values["count"] = 100
			<-ctx.Done() // an attempt that fails on its deadline is not retried
			return nil
		})
		if !errors.Is(err, sessionstore.ErrBusy) || errors.Is(err, sessionstore.ErrUnavailable) {
			t.Errorf("got %v, want ErrBusy and not ErrUnavailable", err)
		}
		if got := v.load(t, cookie).Values["count"]; got != 1 {
			t.Errorf("got count %v, want 1", got)
		}
	})
}

func TestStore_Update_callsPerClick(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie, err := v.click(t, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := v.calls.Calls(), map[string]int{"Commit": 1}; !reflect.DeepEqual(got, want) {
			t.Errorf("new visitor: got calls %v, want %v", got, want)
		}
		v.calls.Reset()
		if _, err := v.click(t, cookie); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"BeginTransaction": 1, "Lookup": 1, "Commit": 1}
		if got := v.calls.Calls(); !reflect.DeepEqual(got, want) {
			t.Errorf("returning visitor: got calls %v, want %v", got, want)
		}
	})
}

// An fn that changes nothing writes nothing: the expiry stays where the
// first click put it, though the clock moved on (a renewal is not due yet).
func TestStore_Update_unchangedWritesNothing(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		cookie, _ := v.click(t, nil)
		id := v.load(t, cookie).ID
		before := v.stored(t, id)
		v.clock.advance(lifetime / 20)
		w := httptest.NewRecorder()
		sess, err := v.store.Update(request(t, cookie), w, name, func(*sessions.Session) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if sess.Values["count"] != 1 {
			t.Errorf("got count %v, want 1", sess.Values["count"])
		}
		if after := v.stored(t, id); !after.Expires.Equal(before.Expires) || !bytes.Equal(after.Values, before.Values) {
			t.Errorf("got entity %+v, want it unchanged (%+v)", after, before)
		}
		if got := w.Header().Values("Set-Cookie"); len(got) != 0 {
			t.Errorf("got Set-Cookie %q, want none", got)
		}
	})
}
