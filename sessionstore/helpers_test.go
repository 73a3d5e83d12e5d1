package sessionstore_test

import (
	"context"
	"encoding/gob"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/datastore"
	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

func TestMain(m *testing.M) {
	os.Exit(dstest.Main(m, dstest.Datastore, dstest.Firestore))
}

const name = "session"

var (
	key1 = dstest.Key
	key2 = []byte("fedcba9876543210fedcba9876543210")
)

// point is a registered type for tests of stored structs.
type point struct{ X, Y int }

func init() {
	gob.Register(point{})
	gob.Register(map[string]int{})
}

// env is one store under test, in a namespace of its own.
type env struct {
	store  *sessionstore.Store
	client *datastore.Client
	calls  *dstest.Counter
	clock  *clock
}

func newEnv(tb testing.TB, e *dstest.Emulator, keyPairs ...[]byte) *env {
	tb.Helper()
	client, calls := e.Client(tb)
	if len(keyPairs) == 0 {
		keyPairs = [][]byte{key1, nil}
	}
	s := sessionstore.NewStore(client, keyPairs...)
	s.Namespace = dstest.Namespace(tb)
	// Generous: these tests are about what is stored, not how fast, and a
	// loaded machine can make the emulator slow. failure_test.go tests the
	// timeout itself.
	s.Timeout = time.Minute
	c := &clock{t: time.Now()}
	sessionstore.SetClock(s, c.now)
	return &env{store: s, client: client, calls: calls, clock: c}
}

// sibling returns a second store over the same namespace, with its own
// client: another instance of the app.
func (v *env) sibling(t *testing.T, e *dstest.Emulator, keyPairs ...[]byte) *env {
	t.Helper()
	w := newEnv(t, e, keyPairs...)
	w.store.Namespace = v.store.Namespace
	sessionstore.SetClock(w.store, v.clock.now)
	w.clock = v.clock
	return w
}

// clock is a test clock that only moves when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// request returns a request carrying cookie (if any), with a deadline long
// enough for 50 clicks queued on one session of a slow emulator.
func request(tb testing.TB, cookie *http.Cookie) *http.Request {
	tb.Helper()
	r := httptest.NewRequest("GET", "/", nil)
	ctx, cancel := context.WithTimeout(r.Context(), time.Minute)
	tb.Cleanup(cancel)
	r = r.WithContext(ctx)
	if cookie != nil {
		r.AddCookie(cookie)
	}
	return r
}

// sessionCookie returns the session cookie a response set, or nil.
func sessionCookie(w *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// save stores values in a new session and returns its cookie.
func (v *env) save(tb testing.TB, values map[any]any) *http.Cookie {
	tb.Helper()
	r := request(tb, nil)
	sess, err := v.store.Get(r, name)
	if err != nil {
		tb.Fatalf("Get: %v", err)
	}
	for k, x := range values {
		sess.Values[k] = x
	}
	w := httptest.NewRecorder()
	if err := sess.Save(r, w); err != nil {
		tb.Fatalf("Save: %v", err)
	}
	c := sessionCookie(w)
	if c == nil {
		tb.Fatal("Save of a non-empty session set no cookie")
	}
	return c
}

// load returns the session a cookie leads to.
func (v *env) load(t *testing.T, cookie *http.Cookie) *sessions.Session {
	t.Helper()
	sess, err := v.store.Get(request(t, cookie), name)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return sess
}

// click adds one to the session's "count" with Update and returns the
// response's cookie (or the one sent when the response set none).
func (v *env) click(tb testing.TB, cookie *http.Cookie) (*http.Cookie, error) {
	w := httptest.NewRecorder()
	_, err := v.store.Update(request(tb, cookie), w, name, func(s *sessions.Session) error {
		n, _ := s.Values["count"].(int)
		s.Values["count"] = n + 1
		return nil
	})
	if c := sessionCookie(w); c != nil {
		return c, err
	}
	return cookie, err
}

// entityCount returns how many session entities the store's namespace has.
func (v *env) entityCount(t *testing.T) int {
	t.Helper()
	q := datastore.NewQuery(sessionstore.DefaultKind).Namespace(v.store.Namespace).KeysOnly()
	keys, err := v.client.GetAll(context.Background(), q, nil)
	if err != nil {
		t.Fatalf("count entities: %v", err)
	}
	return len(keys)
}
