package web

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"testing"

	"cloud.google.com/go/datastore"

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
