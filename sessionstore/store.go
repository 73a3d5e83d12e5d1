package sessionstore

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"cloud.google.com/go/datastore"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/internal/dskit"
)

// Defaults of a new Store.
const (
	// DefaultKind is the Datastore kind of session entities.
	DefaultKind = "Session"
	// DefaultMaxAge is the lifetime of a session, in seconds: 30 days.
	DefaultMaxAge = 86400 * 30
	// DefaultBrowserSessionLifetime is how long the server keeps a session
	// whose cookie has MaxAge 0 (deleted when the browser closes).
	DefaultBrowserSessionLifetime = 24 * time.Hour
	// DefaultTimeout bounds every Datastore call whose context has no
	// earlier deadline.
	DefaultTimeout = 5 * time.Second
	// DefaultMaxLength is the largest encoded session the store writes,
	// leaving room in Datastore's 1 MiB entity for the key and expiry.
	DefaultMaxLength = 1_000_000
)

// Store is a sessions.Store over Cloud Datastore. Create it with NewStore;
// change its exported fields before serving, not while requests run.
type Store struct {
	// Codecs sign and verify the session id in the cookie; the first
	// signs, all verify.
	Codecs []securecookie.Codec
	// Options are the default cookie options of new sessions. MaxAge also
	// sets how long the server keeps a session.
	Options *sessions.Options
	// Kind and Namespace place the session entities in Datastore.
	Kind      string
	Namespace string
	// BrowserSessionLifetime is how long the server keeps a session whose
	// cookie has MaxAge 0.
	BrowserSessionLifetime time.Duration
	// Timeout bounds each Datastore call whose context has no earlier
	// deadline. Zero means no bound beyond the context's.
	Timeout time.Duration
	// MaxLength is the largest encoded session Save and Update write.
	MaxLength int
	// MaxAttempts is how many times Update tries its transaction when it
	// meets contention.
	MaxAttempts int
	// Logger receives warnings the caller cannot act on per request, such as
	// a stored session that no longer decodes. Nil means slog.Default().
	Logger *slog.Logger

	client *datastore.Client
	locks  dskit.Locks
	now    func() time.Time
}

// NewStore returns a Store that keeps sessions in client's database.
//
// keyPairs follow gorilla's convention: pairs of an authentication key
// (32 or 64 bytes, for HMAC-SHA256) and an encryption key, which may be nil
// since the cookie holds only a random id. The first pair signs; every pair
// verifies, so keys can be rotated by putting the new pair first.
func NewStore(client *datastore.Client, keyPairs ...[]byte) *Store {
	codecs := securecookie.CodecsFromPairs(keyPairs...)
	for _, c := range codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			// The id is already bytes: no gob framing in the cookie.
			sc.SetSerializer(securecookie.NopEncoder{})
		}
	}
	s := &Store{
		Codecs: codecs,
		Options: &sessions.Options{
			Path:     "/",
			MaxAge:   DefaultMaxAge,
			HttpOnly: true,
			SameSite: http.SameSiteLaxMode,
		},
		Kind:                   DefaultKind,
		BrowserSessionLifetime: DefaultBrowserSessionLifetime,
		Timeout:                DefaultTimeout,
		MaxLength:              DefaultMaxLength,
		MaxAttempts:            10,
		client:                 client,
		now:                    time.Now,
	}
	s.MaxAge(s.Options.MaxAge)
	return s
}

// MaxAge sets the lifetime of new sessions, in seconds, for the cookie, the
// signed cookie's timestamp and the entity's expiry alike. Follows
// Options.MaxAge: 0 is a browser-session cookie, negative deletes.
func (s *Store) MaxAge(age int) {
	s.Options.MaxAge = age
	for _, c := range s.Codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok && age > 0 {
			sc.MaxAge(age)
		}
	}
}

// Get returns the session of the given name for this request, decoding it
// only once per request through gorilla's registry.
func (s *Store) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New returns the session of the given name for this request, loaded from
// Datastore. It never returns a nil session.
//
// A missing, expired, unsigned or tampered cookie gives a fresh session
// (IsNew true) and no error; only a tampered cookie's check costs no
// Datastore call at all. When Datastore fails, New returns a fresh session
// and the error; Save then refuses that session, so the failure cannot
// replace the visitor's stored session. A stored session in a format only a
// newer version of this package writes is treated the same way, with
// ErrNewerFormat; one that does not decode at all is corrupt, and gives a
// fresh session and a warning in the log.
func (s *Store) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := s.fresh(name)
	id, ok := s.cookieID(r, name)
	if !ok {
		return sess, nil
	}
	e, err := s.lookup(r.Context(), id)
	if err != nil {
		return s.failed(r, name), err
	}
	if e == nil {
		return sess, nil
	}
	values, err := s.storedValues(e, s.now())
	if err != nil {
		return s.failed(r, name), fmt.Errorf("sessionstore: load session: %w", err)
	}
	if values != nil {
		sess.ID, sess.Values, sess.IsNew = id, values, false
		remember(r, sess, loadState{data: e.Values, expires: e.Expires})
	}
	return sess, nil
}

// storedValues returns the values of a stored session, as New and Update
// read it, or nil when its visitor starts afresh: it has expired, or it is
// corrupt (logged). A session in a newer format is ErrNewerFormat.
func (s *Store) storedValues(e *entity, now time.Time) (map[any]any, error) {
	if !e.live(now) {
		return nil, nil
	}
	values, err := decodeValues(e.Values) // never nil without an error
	if err != nil && !errors.Is(err, ErrNewerFormat) {
		s.logger().Warn("sessionstore: starting afresh: stored session does not decode", "kind", s.Kind, "error", err)
		return nil, nil
	}
	return values, err
}

// fresh returns a new, empty session with a copy of the store's options.
func (s *Store) fresh(name string) *sessions.Session {
	sess := sessions.NewSession(s, name)
	opts := *s.Options
	sess.Options = &opts
	sess.IsNew = true
	return sess
}

// Save writes the session to Datastore and its cookie to w.
//
// It writes nothing for a session that is and stays empty, deletes the
// entity and clears the cookie when Options.MaxAge < 0 or the values became
// empty, skips the write when the values did not change (unless the expiry is
// due for renewal), and refuses a session whose load failed. The cookie is
// sent when the entity is written or renewed, so that the browser's expiry
// and the server's move together; a Save that writes nothing sends nothing.
//
// Save knows what was stored from the load on this request (the one given
// to Get or New, or one derived from it afterwards): a session loaded on
// another request is written in full, or deleted, rather than compared.
func (s *Store) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	st, err := loaded(r, sess)
	if err != nil {
		return err
	}
	in, data, err := s.examine(sess, st)
	if err != nil {
		return err
	}
	now := s.now()
	switch decide(in, now) {
	case remove:
		return s.remove(r, w, sess, in.stored)
	case write:
		return s.write(r, w, sess, data, now.Add(in.lifetime))
	case renew:
		return s.renew(r, w, sess, st.data, now.Add(in.lifetime))
	}
	return nil // skip: nothing written, so no cookie either
}

// write stores a session's encoded values, giving it an id if it has none.
func (s *Store) write(r *http.Request, w http.ResponseWriter, sess *sessions.Session, data []byte, expires time.Time) error {
	if sess.ID == "" {
		id, err := newID()
		if err != nil {
			return err
		}
		sess.ID = id
	}
	if err := s.put(r.Context(), sess.ID, data, expires); err != nil {
		return err
	}
	return s.stored(r, w, sess, loadState{data: data, expires: expires})
}

// renew pushes back the expiry of a session's values as they were read
// (data), unless they changed meanwhile.
func (s *Store) renew(r *http.Request, w http.ResponseWriter, sess *sessions.Session, data []byte, expires time.Time) error {
	if err := s.renewEntity(r.Context(), sess.ID, data, expires); err != nil {
		return err
	}
	return s.stored(r, w, sess, loadState{data: data, expires: expires})
}

// stored records what a write or renewal stored and sends the cookie, whose
// expiry moves with the entity's.
func (s *Store) stored(r *http.Request, w http.ResponseWriter, sess *sessions.Session, st loadState) error {
	remember(r, sess, st)
	sess.IsNew = false
	return s.setCookie(w, sess)
}

// remove deletes a session's entity, if it may have one, and clears its
// cookie if the browser has one.
func (s *Store) remove(r *http.Request, w http.ResponseWriter, sess *sessions.Session, stored bool) error {
	if stored {
		if err := s.delete(r.Context(), sess.ID); err != nil {
			return err
		}
		remember(r, sess, loadState{})
	}
	if _, err := r.Cookie(sess.Name()); err != nil && sess.ID == "" {
		return nil // never stored, never sent: nothing to clear
	}
	s.clearCookie(w, sess)
	return nil
}

// lifetime is how long the server keeps a session saved with opts.
func (s *Store) lifetime(opts *sessions.Options) time.Duration {
	if opts.MaxAge > 0 {
		return time.Duration(opts.MaxAge) * time.Second
	}
	return s.BrowserSessionLifetime
}

func (s *Store) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// wrap adds the package prefix and the operation to a Datastore error, and
// marks it as ErrBusy when it is contention (dskit.Contention), else as
// ErrUnavailable, so that callers can answer "try again" and log each as
// what it is.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case dskit.Contention(err):
		return fmt.Errorf("%w: %s: %w", ErrBusy, op, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, err)
}
