package sessionstore

import (
	"errors"
	"fmt"
	"net/http"

	"cloud.google.com/go/datastore"
	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/internal/dskit"
)

// Update applies fn to the named session atomically and saves the result:
// it reads the session, runs fn and writes the session back inside one
// Datastore transaction, so concurrent updates of one session — a visitor
// clicking twice, two tabs — are applied one after the other and none is
// lost. It returns the session as saved.
//
// fn may run more than once when the transaction meets contention, each time
// on a freshly read session, so it must only change the session it is given.
// An error from fn aborts the update: nothing is written and the error is
// returned as it is. fn may end the session by setting Options.MaxAge < 0.
//
// A visitor without a valid session gets a new one, written without a
// transaction since its random id cannot collide. Update does not go through
// gorilla's registry: use the returned session for the rest of the request.
func (s *Store) Update(r *http.Request, w http.ResponseWriter, name string, fn func(*sessions.Session) error) (*sessions.Session, error) {
	ctx := r.Context()
	id, ok := s.cookieID(r, name)
	if !ok {
		sess := s.fresh(name)
		if err := fn(sess); err != nil {
			return sess, err
		}
		return sess, s.Save(r, w, sess)
	}

	unlock, err := s.locks.Lock(ctx, id)
	if err != nil {
		return s.failed(r, name), fmt.Errorf("%w: wait for the updates before: %w", ErrBusy, err)
	}
	defer unlock()

	var u updated
	err = dskit.RunInTransaction(ctx, s.client, s.Timeout, func(tx *datastore.Transaction) error {
		var err error
		u, err = s.updateIn(tx, id, name, fn)
		return err
	}, datastore.MaxAttempts(max(s.MaxAttempts, 1)))
	if err != nil {
		if u.fnErr {
			return u.sess, err
		}
		if errors.Is(err, ErrNewerFormat) {
			return s.failed(r, name), fmt.Errorf("sessionstore: update session: %w", err)
		}
		return s.failed(r, name), wrap("update session", err)
	}
	sess := u.sess
	remember(r, sess, u.state)
	switch u.action {
	case remove:
		s.clearCookie(w, sess) // the request has a cookie: it led here
	case write, renew:
		if err := s.setCookie(w, sess); err != nil {
			return sess, err
		}
	}
	return sess, nil
}

// updated is the outcome of one attempt of an Update transaction.
type updated struct {
	sess   *sessions.Session
	action action
	state  loadState // the session as stored after the update
	fnErr  bool      // the error came from the caller's fn
}

// updateIn is one attempt of Update's transaction.
func (s *Store) updateIn(tx *datastore.Transaction, id, name string, fn func(*sessions.Session) error) (updated, error) {
	now := s.now()
	u := updated{sess: s.fresh(name)}
	sess := u.sess
	var e entity
	switch err := tx.Get(s.key(id), &e); {
	case errors.Is(err, datastore.ErrNoSuchEntity):
	case err != nil:
		return u, err
	default:
		values, err := s.storedValues(&e, now)
		switch {
		case err != nil:
			return u, err
		case values != nil:
			sess.ID, sess.Values, sess.IsNew = id, values, false
			u.state = loadState{data: e.Values, expires: e.Expires}
		default:
			// Expired or corrupt: a fresh session under a new id; the old
			// entity goes in the same commit.
			if err := tx.Delete(s.key(id)); err != nil {
				return u, err
			}
		}
	}

	if err := fn(sess); err != nil {
		u.fnErr = true
		return u, err
	}
	in, data, err := s.examine(sess, &u.state)
	if err != nil {
		u.fnErr = true // the caller's values, not Datastore, are at fault
		return u, err
	}
	switch u.action = decide(in, now); u.action {
	case remove:
		u.state = loadState{}
		if in.stored {
			return u, tx.Delete(s.key(id))
		}
	case write, renew:
		if u.action == renew {
			data = u.state.data // the values as stored, as Renew writes them
		}
		if sess.ID == "" {
			if sess.ID, err = newID(); err != nil {
				return u, err
			}
		}
		u.state = loadState{data: data, expires: now.Add(in.lifetime)}
		sess.IsNew = false
		_, err = tx.Put(s.key(sess.ID), &entity{Values: data, Expires: u.state.expires})
		return u, err
	}
	return u, nil
}

// failed returns the fresh session that goes with a load error, marked so
// that Save refuses it.
func (s *Store) failed(r *http.Request, name string) *sessions.Session {
	sess := s.fresh(name)
	remember(r, sess, loadState{failed: true})
	return sess
}

// clearCookie tells the browser to drop the session's cookie.
func (s *Store) clearCookie(w http.ResponseWriter, sess *sessions.Session) {
	opts := *sess.Options
	opts.MaxAge = -1
	http.SetCookie(w, sessions.NewCookie(sess.Name(), "", &opts))
}
