package web

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"cloud.google.com/go/datastore"
	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/sessionstore"
)

// sessionEntity is a session as Datastore holds it, for tests that look
// underneath the store.
type sessionEntity struct {
	Values  []byte `datastore:"values,noindex"`
	Expires any    `datastore:"expires"`
}

// onlySession returns the key and entity of the one session in a's
// namespace.
func (a *app) onlySession(t *testing.T) (*datastore.Key, *sessionEntity) {
	t.Helper()
	var ents []sessionEntity
	q := datastore.NewQuery(sessionstore.DefaultKind).Namespace(a.srv.cfg.Namespace)
	keys, err := a.client.GetAll(t.Context(), q, &ents)
	if err != nil || len(keys) != 1 {
		t.Fatalf("got %d sessions (%v), want 1", len(keys), err)
	}
	return keys[0], &ents[0]
}

// storedValues loads v's session through the app's store, as a request
// carrying v's cookie would, and returns its values.
func (a *app) storedValues(t *testing.T, v *visitor) map[any]any {
	t.Helper()
	st, err := a.srv.store(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	sess, err := st.New(v.request(t), a.srv.cookieName())
	if err != nil || sess.IsNew {
		t.Fatalf("got a new session (%v), want v's stored one", err)
	}
	return sess.Values
}

// storeValues changes v's stored session through the app's store, as a
// handler would, to give the app values it would not write itself.
func (a *app) storeValues(t *testing.T, v *visitor, fn func(values map[any]any)) {
	t.Helper()
	st, err := a.srv.store(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Update(v.request(t), httptest.NewRecorder(), a.srv.cookieName(), func(sess *sessions.Session) error {
		fn(sess.Values)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// request is a request to the app carrying v's cookies, for tests that go
// to the store directly.
func (v *visitor) request(t *testing.T) *http.Request {
	t.Helper()
	r := httptest.NewRequestWithContext(t.Context(), "GET", v.base+"/", nil)
	for _, c := range v.cookies() {
		r.AddCookie(c)
	}
	return r
}

// While two versions of the app share the sessions, the older one answers
// 503 for a session only the newer one can read, and leaves it alone.
func TestSessionEncoding_newerFormatIs503AndKept(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	v.click()
	key, ent := a.onlySession(t)
	ent.Values = []byte{3, 0xca, 0xfe}
	if _, err := a.client.Put(t.Context(), key, ent); err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"GET", "POST"} {
		var form url.Values
		if method == "POST" {
			form = url.Values{}
		}
		resp := v.do(method, "/counter", form, true)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s /counter: status %d, Retry-After %q; want 503 with Retry-After; body %s",
				method, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
		if !bytes.Contains(body, []byte("newer version")) {
			t.Errorf("%s /counter: body %s does not say why", method, body)
		}
	}
	if _, after := a.onlySession(t); !bytes.Equal(after.Values, ent.Values) {
		t.Errorf("stored values became %v, want them untouched", after.Values)
	}
}
