package sessionstore

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// idBytes is the length of a session id: 256 bits from crypto/rand.
const idBytes = 32

// newID returns a random session id, hex-encoded: hex rather than base64
// because Datastore reserves key names that begin and end with "__".
func newID() (string, error) {
	b := make([]byte, idBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("sessionstore: new session id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// idFromCookie returns the session id the request's cookie carries, if a
// cookie of that name is present and its signature and timestamp verify.
// When the browser sends several (set for different paths or domains), the
// first that verifies counts.
func (s *Store) idFromCookie(r *http.Request, name string) (string, bool) {
	for _, c := range r.CookiesNamed(name) {
		if len(c.Value) > maxCookieLength {
			continue
		}
		var raw []byte
		if securecookie.DecodeMulti(name, c.Value, &raw, s.Codecs...) == nil && len(raw) == idBytes {
			return hex.EncodeToString(raw), true
		}
	}
	return "", false
}

// maxCookieLength is well above a real cookie (about 140 bytes) and below
// what a browser keeps, so an oversized value is rejected before any work.
const maxCookieLength = 1024

// setCookie sends the signed session id.
func (s *Store) setCookie(w http.ResponseWriter, sess *sessions.Session) error {
	raw, err := hex.DecodeString(sess.ID)
	if err != nil {
		return fmt.Errorf("sessionstore: session id %q is not one of this store's ids", sess.ID)
	}
	encoded, err := securecookie.EncodeMulti(sess.Name(), raw, s.Codecs...)
	if err != nil {
		return fmt.Errorf("sessionstore: sign session cookie: %w", err)
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), encoded, sess.Options))
	return nil
}
