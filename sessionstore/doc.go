// Package sessionstore is a github.com/gorilla/sessions Store that keeps
// sessions in Cloud Datastore (or Firestore in Datastore mode), for Go web
// apps on App Engine, Cloud Run or anywhere else that reaches Datastore.
//
// The cookie carries only a signed, random, opaque session id (256 bits from
// crypto/rand, signed with HMAC-SHA256 by gorilla/securecookie). The values
// live in one Datastore entity per session, encoded and unindexed, next to an
// indexed expiry timestamp that a Datastore TTL policy can use.
//
// Beyond the sessions.Store contract (Get, New, Save), the store:
//
//   - enforces expiry on the server on every read: an expired entity is a
//     fresh session, whatever cookie the client replays;
//   - deletes the entity when a session is saved with MaxAge < 0, so a
//     replayed cookie finds nothing;
//   - never writes for a visitor whose session stays empty, and never writes
//     unchanged values, except to renew the expiry once a tenth of the
//     lifetime has passed (Renew does only that, for handlers that read);
//   - offers Update, an atomic read-modify-write of one session inside a
//     Datastore transaction, so concurrent requests from one visitor cannot
//     lose each other's writes (plain Get and Save keep gorilla's
//     last-writer-wins semantics);
//   - rotates session ids (RotateID) against session fixation;
//   - deletes expired sessions in batches (DeleteExpired), for a cron job;
//   - lists the values of the live sessions that expire last, in one query
//     (Sessions), for an overview such as a count;
//   - rejects a session too large for a Datastore entity before writing.
//
// A cookie that fails verification is a fresh session, found without any
// Datastore call. A Datastore failure is never mistaken for "no session": Get
// and Update return the error (wrapped, with the "sessionstore:" prefix), and
// Save refuses to save a session whose load failed, so a visitor's data is not
// replaced by an empty session.
//
// A session whose keys and values are all bools, strings, []byte, ints and
// uints of any size, float32 or float64, with values that may also be
// []string, is stored in a small format of the package's own, which decodes about 70 times faster than gob. Any other
// session is gob-encoded: register every other type you put in a session
// with gob.Register once, at start-up. Saving a value of an unregistered type
// is an error naming the type. First bytes 3 to 31 of a stored session are
// reserved for later formats: a session in one of them gives ErrNewerFormat
// and is left as it is, so that a later version can add a format readers
// first (one release that reads it, then one that writes it) and still be
// rolled back.
//
// Limits: a session holds at most MaxLength bytes once encoded (about 1 MB,
// the size of a Datastore entity). Save tells what changed from what was
// read on the same request, which the store keeps in the request's context
// as gorilla keeps its registry: a session saved with another request is
// written in full. One Datastore transaction can serialize only so many
// updates per second on one entity; Update serializes the updates of one
// session inside an instance, which keeps it fast on one instance, and
// relies on the transaction's retries across instances.
package sessionstore
