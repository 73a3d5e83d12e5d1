package sessionstore

import (
	"time"

	"github.com/gae-lessons/sessions-go/internal/dsexpire"
)

// SetClock replaces the store's clock, so tests can move time forward.
func SetClock(s *Store, now func() time.Time) { s.now = now }

// CleanupBatch is DeleteExpired's batch size.
const CleanupBatch = dsexpire.Batch

// KeyLength is the length of the keys LoadOrCreateKeys makes.
const KeyLength = keyLength

// EncodeValues and DecodeValues are the session encoding Save and New use,
// exposed so that its cost can be benchmarked apart from Datastore.
var (
	EncodeValues = encodeValues
	DecodeValues = decodeValues
)
