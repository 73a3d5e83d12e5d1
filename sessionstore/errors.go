package sessionstore

import "errors"

// Errors callers tell apart with errors.Is.
var (
	// ErrUnavailable marks every error that comes from Datastore: the
	// session could be neither read nor written, and a retry may succeed.
	// Web handlers answer it with 503 Service Unavailable.
	ErrUnavailable = errors.New("datastore unavailable")
	// ErrLoadFailed is Save's answer for a session whose load from
	// Datastore failed: saving it would replace the visitor's real session.
	ErrLoadFailed = errors.New("sessionstore: refusing to save a session that failed to load")
	// ErrTooLarge is returned when a session's encoded values exceed the
	// store's MaxLength; nothing is written.
	ErrTooLarge = errors.New("sessionstore: session too large")
	// ErrUnencodable is returned when a session value cannot be gob-encoded,
	// most often because its type was never registered with gob.Register.
	ErrUnencodable = errors.New("sessionstore: session value cannot be encoded")
)
