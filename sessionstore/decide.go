package sessionstore

import (
	"time"

	"github.com/gorilla/sessions"
)

// action is what saving a session does to its entity and its cookie.
type action int

const (
	// skip leaves the entity as it is and sends no cookie.
	skip action = iota
	// write stores the values with a new expiry (a session never stored
	// gets its id) and sends the cookie.
	write
	// renew pushes back the expiry of the values as stored, in a
	// transaction that leaves a session changed meanwhile alone, and sends
	// the cookie.
	renew
	// remove deletes the entity, if there is one, and clears the cookie.
	remove
)

// saving is what decide knows of a session that is being saved.
type saving struct {
	ending   bool          // Options.MaxAge < 0, or no values left
	stored   bool          // an entity may hold the session
	changed  bool          // its values may differ from the stored ones
	expires  time.Time     // the stored entity's expiry
	lifetime time.Duration // how long a write keeps the session
}

// decide is the one rule by which Save, Update and Renew write a session,
// renew it or leave it alone. An ending session is removed; a session
// never stored, or whose values changed, is written; unchanged values are
// renewed once a tenth of the lifetime has passed since they were last
// written, so that an active visitor's session never expires while a
// reading visitor costs a write at most once per tenth of the lifetime.
func decide(in saving, now time.Time) action {
	switch {
	case in.ending:
		return remove
	case !in.stored || in.changed:
		return write
	case in.expires.Sub(now) < in.lifetime-in.lifetime/10:
		return renew
	}
	return skip
}

// beforeSave returns what decide needs to know of sess before its values are
// looked at, given what this store recorded of it (st). A session with no
// record here (st nil: loaded on another request, or made without New) may
// be stored under its id, with values this request cannot compare: it is
// written, or removed, but never skipped.
func (s *Store) beforeSave(sess *sessions.Session, st *loadState) saving {
	in := saving{ending: sess.Options.MaxAge < 0, lifetime: s.lifetime(sess.Options)}
	if st == nil {
		in.stored, in.changed = sess.ID != "", true
		return in
	}
	in.stored, in.expires = st.data != nil && sess.ID != "", st.expires
	return in
}

// examine returns what decide needs to know of a session that Save or
// Update is to save, with its values encoded unless it ends.
func (s *Store) examine(sess *sessions.Session, st *loadState) (saving, []byte, error) {
	in := s.beforeSave(sess, st)
	in.ending = in.ending || len(sess.Values) == 0
	if in.ending {
		return in, nil, nil
	}
	data, err := s.encode(sess)
	if err != nil {
		return in, nil, err
	}
	if in.stored && !in.changed {
		in.changed = !unchanged(sess.Values, data, st.data)
	}
	return in, data, nil
}
