package sessionstore

import (
	"net/http"
	"time"

	"cloud.google.com/go/datastore"

	"github.com/gae-lessons/sessions-go/internal/dskit"
)

// SetClock replaces the store's clock, so tests can move time forward.
func SetClock(s *Store, now func() time.Time) { s.now = now }

// CleanupBatch is DeleteExpired's batch size.
const CleanupBatch = dskit.Batch

// KeyLength is the length of the keys LoadOrCreateKeys makes.
const KeyLength = keyLength

// EncodeValues and DecodeValues are the session encoding Save and New use,
// exposed so that its cost can be benchmarked apart from Datastore.
var (
	EncodeValues = encodeValues
	DecodeValues = decodeValues
)

// Entity is a session as Datastore holds it, for tests that look
// underneath the store.
type Entity = entity

// Key and CookieID are the store's key of a session and the id that a
// request's cookie names, for tests that look at the entity or the cookie.
func (s *Store) Key(id string) *datastore.Key { return s.key(id) }

func (s *Store) CookieID(r *http.Request, name string) (string, bool) { return s.cookieID(r, name) }
