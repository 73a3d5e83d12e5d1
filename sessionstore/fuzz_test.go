package sessionstore_test

import (
	"context"
	"encoding/base64"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// FuzzStore_New_cookie checks that any cookie value gives the stored
// session or a fresh one, with no error and no panic; that a value that is
// not a session id signed with the store's key costs no Datastore call;
// and that Inspect accepts exactly the values New verifies. Its seeds,
// which every go test runs, are the cookies a client may replay: altered,
// signed with another key or for another cookie, or not a session id.
// Only the seeds that verify reach the emulator.
func FuzzStore_New_cookie(f *testing.F) {
	v := newEnv(f, dstest.First(f))
	store, calls := v.store, v.calls
	stored := v.save(f, map[any]any{"count": 7})
	other := dstest.SignedCookie(f, key2, name, make([]byte, 32))
	tampered, _ := base64.URLEncoding.DecodeString(stored.Value)
	tampered[len(tampered)-1] ^= 1 // one bit of the signature flipped

	for _, seed := range []string{
		stored.Value, base64.URLEncoding.EncodeToString(tampered), `"` + stored.Value + `"`, stored.Value + "x",
		stored.Value[:20] + other[20:], // another id under the stored one's signature
		"", "garbage", "a=b", strings.Repeat("A", 2000), "MTIz", "||||",
		dstest.SignedCookie(f, key1, name, make([]byte, 32)), // verifies, nothing stored
		dstest.SignedCookie(f, key1, name, make([]byte, 16)),
		dstest.SignedCookie(f, key1, "other", make([]byte, 32)),
		other,
	} {
		f.Add(seed)
	}

	verifier := securecookie.New(key1, nil)
	verifier.SetSerializer(securecookie.NopEncoder{})
	f.Fuzz(func(t *testing.T, value string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Cookie", name+"="+value)
		ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
		defer cancel()
		r = r.WithContext(ctx)
		calls.Reset()

		sess, err := store.New(r, name)
		if sess == nil || err != nil {
			t.Fatalf("New with cookie %q: got %v, %v; want a session and no error", value, sess, err)
		}
		var raw []byte
		c, cerr := r.Cookie(name)
		verified := cerr == nil && verifier.Decode(name, c.Value, &raw) == nil && len(raw) == 32
		if n := calls.Total(); !verified && n != 0 {
			t.Errorf("cookie %q does not verify, yet New made %d Datastore calls", value, n)
		}
		if cerr == nil {
			if info, ok := store.Inspect(name, c.Value); ok != verified || !ok && info != (sessionstore.CookieInfo{}) {
				t.Errorf("cookie %q (verified %v): Inspect gave %+v, %v", value, verified, info, ok)
			}
		}
		if sess.IsNew {
			if len(sess.Values) != 0 {
				t.Errorf("cookie %q: got a new session holding %v, want it empty", value, sess.Values)
			}
			return
		}
		if !verified || sess.Values["count"] != 7 {
			t.Errorf("cookie %q (verified %v): got stored session %v, want the one saved", value, verified, sess.Values)
		}
	})
}
