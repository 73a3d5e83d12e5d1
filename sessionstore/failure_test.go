package sessionstore_test

import (
	"context"
	"errors"
	"net"
	"net/http/httptest"
	"testing"
	"time"

	"cloud.google.com/go/datastore"
	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// brokenDatastore returns the address of a Datastore that refuses
// connections, or of one that accepts them and never answers.
func brokenDatastore(t *testing.T, hang bool) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if !hang {
		l.Close()
		return addr
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c) // hold it open, say nothing
		}
	}()
	return addr
}

func TestStore_datastoreFailureIsNeverAFreshSession(t *testing.T) {
	for _, hang := range []bool{false, true} {
		mode := map[bool]string{false: "refused", true: "hanging"}[hang]
		t.Run(mode, func(t *testing.T) {
			e := dstest.First(t)
			v := newEnv(t, e)
			cookie := v.save(t, map[any]any{"count": 4})

			dead := dstest.At(brokenDatastore(t, hang), e.Project)
			client, err := datastore.NewClient(context.Background(), e.Project, dead.ClientOptions()...)
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			broken := sessionstore.NewStore(client, key1, nil)
			broken.Namespace = v.store.Namespace
			broken.Timeout = time.Second

			r := request(t, cookie)
			sess, err := broken.Get(r, name)
			if !errors.Is(err, sessionstore.ErrUnavailable) {
				t.Fatalf("Get: got error %v, want ErrUnavailable", err)
			}
			sess.Values["count"] = 0
			if err := sess.Save(r, httptest.NewRecorder()); !errors.Is(err, sessionstore.ErrLoadFailed) {
				t.Errorf("Save after a failed load: got %v, want ErrLoadFailed", err)
			}
			_, err = broken.Update(request(t, cookie), httptest.NewRecorder(), name, func(s *sessions.Session) error {
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
