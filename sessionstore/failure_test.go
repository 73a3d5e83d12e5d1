package sessionstore_test

import (
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

func TestStore_datastoreFailureIsNeverAFreshSession(t *testing.T) {
	t.Parallel()
	for _, mode := range []dstest.ProxyMode{dstest.Refuse, dstest.Hang} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			e := dstest.First(t)
			v := newEnv(t, e)
			cookie := v.save(t, map[any]any{"count": 4})

			proxy := dstest.StartProxy(t, e.Host)
			proxy.Set(mode)
			broken := v.sibling(t, dstest.At(proxy.Addr(), e.Project))
			// Any bound gives the same answer: the proxy refuses or hangs
			// every call, however long the store waits.
			broken.store.Timeout = 100 * time.Millisecond

			r := request(t, cookie)
			sess, err := broken.store.Get(r, name)
			if !errors.Is(err, sessionstore.ErrUnavailable) {
				t.Fatalf("Get: got error %v, want ErrUnavailable", err)
			}
			sess.Values["count"] = 0
			if err := sess.Save(r, httptest.NewRecorder()); !errors.Is(err, sessionstore.ErrLoadFailed) {
				t.Errorf("Save after a failed load: got %v, want ErrLoadFailed", err)
			}
			_, err = broken.store.Update(request(t, cookie), httptest.NewRecorder(), name, func(s *sessions.Session) error {
				s.Values["count"] = 0
				return nil
			})
			if !errors.Is(err, sessionstore.ErrUnavailable) {
				t.Errorf("Update: got error %v, want ErrUnavailable", err)
			}
			if got := v.load(t, cookie).Values["count"]; got != 4 {
				t.Errorf("got stored count %v, want 4 untouched", got)
			}
		})
	}
}
