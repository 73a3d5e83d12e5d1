package sessionstore

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"

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

// maxCookies is how many cookies of the session's name the store reads at
// most. A browser sends one, or a few set for other paths or parent
// domains; beyond that a client is sending junk, each piece of which would
// cost a signature check and a line on the session panel.
const maxCookies = 8

// Cookies returns the cookies of the given name that the store reads for
// r, in the order they were sent: up to and including the first whose
// signature and timestamp verify, and at most 8. The session is the one
// the last of them names, if it verifies; a page that shows the
// visitor their cookie shows these, and only these.
func (s *Store) Cookies(r *http.Request, name string) []*http.Cookie {
	all := r.CookiesNamed(name)
	for i, c := range all[:min(len(all), maxCookies)] {
		if _, ok := s.verify(name, c.Value); ok {
			return all[:i+1]
		}
	}
	return all[:min(len(all), maxCookies)]
}

// cookieID returns the id of the session that r's cookie names, as New and
// Update resolve it: the first of Cookies that verifies. It makes no
// Datastore call; ok is false when no cookie verifies.
func (s *Store) cookieID(r *http.Request, name string) (id string, ok bool) {
	cs := s.Cookies(r, name)
	if len(cs) == 0 {
		return "", false
	}
	raw, ok := s.verify(name, cs[len(cs)-1].Value)
	if !ok {
		return "", false
	}
	return hex.EncodeToString(raw), true
}

// verify returns the id that a cookie value carries, if its signature and
// timestamp verify with one of the store's codecs.
func (s *Store) verify(name, value string) ([]byte, bool) {
	if len(value) > maxCookieLength {
		return nil, false
	}
	var raw []byte
	if securecookie.DecodeMulti(name, value, &raw, s.Codecs...) != nil || len(raw) != idBytes {
		return nil, false
	}
	return raw, true
}

// CookieInfo is what a session cookie holds, decoded: enough to show a
// person what the cookie is without showing the cookie.
type CookieInfo struct {
	// SignedAt is when the cookie was signed, to the second.
	SignedAt time.Time
	// ID is the session id, hex-encoded as in the entity's key name. It
	// names the visitor's session: show only a few characters of it.
	ID string
	// MACLength is the signature's length in bytes: 32 for HMAC-SHA256.
	MACLength int
}

// Inspect decodes a session cookie's value as New reads it, for a page
// that explains the cookie. ok is false for any value New would treat as
// no cookie: altered, signed with a key the store does not have, expired,
// too long, or not a session cookie at all. SignedAt and MACLength are
// zero if Codecs are not gorilla/securecookie's.
func (s *Store) Inspect(name, value string) (info CookieInfo, ok bool) {
	raw, ok := s.verify(name, value)
	if !ok {
		return CookieInfo{}, false
	}
	info.ID = hex.EncodeToString(raw)
	// Verified, so value is securecookie's base64 of "date|base64(id)|mac".
	b, err := base64.URLEncoding.DecodeString(value)
	if err != nil {
		return info, true
	}
	date, rest, _ := bytes.Cut(b, []byte("|"))
	_, mac, found := bytes.Cut(rest, []byte("|"))
	if unix, err := strconv.ParseInt(string(date), 10, 64); err == nil && found {
		info.SignedAt = time.Unix(unix, 0)
		info.MACLength = len(mac)
	}
	return info, true
}

// maxCookieLength is well above a real cookie's value (120 bytes) and below
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
