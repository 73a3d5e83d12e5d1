package sessionstore

import "errors"

// Errors callers tell apart with errors.Is.
var (
	// ErrUnavailable marks every error from Datastore but ErrBusy: the
	// session could be neither read nor written, and a retry may succeed.
	// Web handlers answer it with 503 Service Unavailable.
	ErrUnavailable = errors.New("sessionstore: datastore unavailable")
	// ErrBusy is the answer when one session had too many updates at once
	// for this one to be made in time: its write or transaction met
	// concurrent ones (Update's, for MaxAttempts), or Update's wait for
	// the updates queued before it on this instance outlasted the
	// context. Nothing was written. It is the visitor's own requests
	// contending (a burst of clicks), not Datastore failing, though a
	// retry may succeed all the same: web handlers answer it with 503 too,
	// and log it as contention.
	ErrBusy = errors.New("sessionstore: too many concurrent updates of one session")
	// ErrLoadFailed is Save's answer for a session whose load from
	// Datastore failed: saving it would replace the visitor's real session.
	ErrLoadFailed = errors.New("sessionstore: refusing to save a session that failed to load")
	// ErrTooLarge is returned when a session's encoded values exceed the
	// store's MaxLength; nothing is written.
	ErrTooLarge = errors.New("sessionstore: session too large")
	// ErrUnencodable is returned when a session value cannot be gob-encoded,
	// most often because its type was never registered with gob.Register.
	ErrUnencodable = errors.New("sessionstore: session value cannot be encoded")
	// ErrNewerFormat is returned when a stored session is in an encoding
	// that a newer version of this package wrote: the session is not
	// corrupt, and this version neither reads nor replaces it. It happens
	// while two versions serve one store, during a rollout or after a
	// rollback; web handlers answer it like ErrUnavailable, with 503, since
	// a retry may reach an instance of the newer version.
	ErrNewerFormat = errors.New("sessionstore: session stored by a newer version of this package")
)
