package sessionstore_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

type ctxKey struct{}

// viaGet gets the session twice: the registry answers the second time.
func viaGet(v *env, r *http.Request) (*sessions.Session, error) {
	if _, err := v.store.Get(r, name); err != nil {
		return nil, err
	}
	return v.store.Get(r, name)
}

// A stored session reads back as it was saved, and what the store read on
// a request reaches Save on that request however the session was obtained
// and saved, and on a request derived from it afterwards, as a
// middleware's or a handler's r.WithContext makes: saving the session
// unchanged costs the one Lookup of its read, and sends no cookie. The
// session holds a map, which gob writes in random order: that must not
// pass for a change.
func TestStore_Save_findsWhatItsRequestRead(t *testing.T) {
	t.Parallel()
	values := map[any]any{
		"count": 42, "name": "Ada", "point": point{3, 4}, "list": []string{"1122", "3456"},
		7: true, "nested": map[string]int{"a": 1, "b": 2, "c": 3},
	}
	for _, tc := range []struct {
		name string
		load func(v *env, r *http.Request) (*sessions.Session, error)
		save func(sess *sessions.Session, r *http.Request, w http.ResponseWriter) error
	}{
		{"Get, then Session.Save", viaGet, (*sessions.Session).Save},
		{"Get, then sessions.Save", viaGet, func(_ *sessions.Session, r *http.Request, w http.ResponseWriter) error {
			return sessions.Save(r, w)
		}},
		{"Get, then Save on a derived request", viaGet, func(sess *sessions.Session, r *http.Request, w http.ResponseWriter) error {
			return sess.Save(r.WithContext(context.WithValue(r.Context(), ctxKey{}, 1)), w)
		}},
		{"New, then Session.Save", func(v *env, r *http.Request) (*sessions.Session, error) { return v.store.New(r, name) }, (*sessions.Session).Save},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
				v := newEnv(t, e)
				cookie := v.save(t, values)
				v.calls.Reset()
				r := request(t, cookie)
				sess, err := tc.load(v, r)
				if err != nil {
					t.Fatalf("load: %v", err)
				}
				if sess.IsNew || !reflect.DeepEqual(sess.Values, values) {
					t.Errorf("got IsNew=%v values %v, want the stored %v", sess.IsNew, sess.Values, values)
				}
				w := httptest.NewRecorder()
				if err := tc.save(sess, r, w); err != nil {
					t.Fatalf("save: %v", err)
				}
				if got, want := v.calls.Calls(), map[string]int{"Lookup": 1}; !reflect.DeepEqual(got, want) {
					t.Errorf("got calls %v, want %v: Save of the unchanged session wrote", got, want)
				}
				if got := w.Header().Values("Set-Cookie"); len(got) != 0 {
					t.Errorf("got Set-Cookie %q for a Save that wrote nothing, want none", got)
				}
			})
		})
	}
}
