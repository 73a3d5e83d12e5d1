// Package race keeps the records of the lost-update race of docs/lesson.md
// §7: for one visitor, two counts that many clicks raise at once, one the
// naive way (read, add one, write back) and one in a transaction.
//
// A race is a Datastore entity of its own (kind Race) beside the visitor's
// session, named by the session's id but never part of it: the naive way's
// blind writes can lose clicks of the race, by design, and nothing else.
// Nothing here writes a session. A race counts only while its session is
// there and unexpired: every read of a race reads the session's entity with
// it, in the same call or transaction, so the cookie of an ended session
// finds no race, and no race can be started for it. A race lasts an hour
// (Lifetime); DeleteExpired removes the old ones, and ending a session
// should Delete its race.
package race

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cloud.google.com/go/datastore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gae-lessons/sessions-go/internal/dsexpire"
	"github.com/gae-lessons/sessions-go/internal/keylock"
)

const (
	// Kind is the Datastore kind of race entities.
	Kind = "Race"
	// Lifetime is how long a race can be clicked and read after it starts.
	Lifetime = time.Hour
)

var (
	// ErrNoRace is a click on a race that was never started, has expired,
	// or whose session has ended: nothing was written.
	ErrNoRace = errors.New("race: no race started")
	// ErrNoSession is a start for a session that is not there (ended or
	// expired): nothing was written.
	ErrNoSession = errors.New("race: no live session to start a race for")
	// ErrBusy is a click that found its race too contended to be counted in
	// time: too many clicks on one race at once, its transaction meeting
	// concurrent ones past its attempts or its wait behind the clicks
	// queued on this instance outlasting the context. Nothing was written.
	// It is the visitor's own clicks contending, not Datastore failing.
	ErrBusy = errors.New("race: too many clicks on one race at once")
	// ErrUnavailable marks every other error that comes from Datastore; a
	// retry may succeed.
	ErrUnavailable = errors.New("race: datastore unavailable")
)

// Counts are a race's two counts: clicks kept by each way since it started.
type Counts struct {
	Naive  int `datastore:"naive,noindex"`
	Atomic int `datastore:"atomic,noindex"`
}

// entity is a race as Datastore holds it. Only the expiry is indexed: the
// cleanup query filters on it, and a TTL policy can use it.
type entity struct {
	Counts
	Expires time.Time `datastore:"expires"`
}

// session is what a race reads of its session's entity: its expiry, the
// indexed property "expires" of sessionstore's layout; the rest is skipped.
type session struct{ expires time.Time }

func (s *session) Load(props []datastore.Property) error {
	for _, p := range props {
		if t, ok := p.Value.(time.Time); ok && p.Name == "expires" {
			s.expires = t
		}
	}
	return nil
}

func (s *session) Save() ([]datastore.Property, error) {
	return nil, errors.New("race: a session is never written here")
}

// Store keeps races in one Datastore namespace, the sessions'. Set its
// fields before use.
type Store struct {
	Client    *datastore.Client
	Namespace string
	// Timeout bounds each Datastore call or transaction; zero means the
	// context's deadline alone.
	Timeout time.Duration

	locks keylock.Map
	now   func() time.Time
}

func (s *Store) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// key is the key of the race beside the session whose key is sess.
func (s *Store) key(sess *datastore.Key) *datastore.Key {
	k := datastore.NameKey(Kind, sess.Name, nil)
	k.Namespace = sess.Namespace
	return k
}

func (s *Store) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.Timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.Timeout)
}

// wrap marks a Datastore error as ErrUnavailable, with the operation; the
// package's own errors pass as they are.
func wrap(op string, err error) error {
	switch {
	case err == nil, errors.Is(err, ErrNoRace), errors.Is(err, ErrNoSession), errors.Is(err, ErrBusy):
		return err
	case errors.Is(err, datastore.ErrConcurrentTransaction), status.Code(err) == codes.Aborted:
		// A transaction past its attempts, or a naive write that met one.
		return fmt.Errorf("%w: %s: %w", ErrBusy, op, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, err)
}

// Start starts the race beside session sess afresh: both counts 0, for an
// hour, whatever the race held before. It reads the session in the same
// transaction, so a race starts only for a live session (ErrNoSession
// otherwise) and never after the session's deletion has committed.
func (s *Store) Start(ctx context.Context, sess *datastore.Key) error {
	unlock, err := s.locks.Lock(ctx, sess.Name)
	if err != nil {
		return wrap("wait to start the race", err)
	}
	defer unlock()
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	_, err = s.Client.RunInTransaction(ctx, func(tx *datastore.Transaction) error {
		var se session
		switch err := tx.Get(sess, &se); {
		case errors.Is(err, datastore.ErrNoSuchEntity):
			return ErrNoSession
		case err != nil:
			return err
		case !s.clock().Before(se.expires):
			return ErrNoSession
		}
		_, err := tx.Put(s.key(sess), &entity{Expires: s.clock().Add(Lifetime)})
		return err
	})
	return wrap("start", err)
}

// Get returns the counts of the race beside session sess; ok is false when
// there is none, it has expired, or its session has. One Lookup.
func (s *Store) Get(ctx context.Context, sess *datastore.Key) (c Counts, ok bool, err error) {
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	e, err := s.lookup(ctx, nil, sess)
	if err != nil || e == nil {
		return Counts{}, false, wrap("read", err)
	}
	return e.Counts, true, nil
}

// lookup reads a live race and its session together, in tx if it is not
// nil; a race that is missing or expired, or whose session is, is (nil,
// nil).
func (s *Store) lookup(ctx context.Context, tx *datastore.Transaction, sess *datastore.Key) (*entity, error) {
	var se session
	var e entity
	keys, dst := []*datastore.Key{sess, s.key(sess)}, []any{&se, &e}
	var err error
	if tx != nil {
		err = tx.GetMulti(keys, dst)
	} else {
		err = s.Client.GetMulti(ctx, keys, dst)
	}
	var multi datastore.MultiError
	if errors.As(err, &multi) {
		err = nil
		for _, e := range multi {
			switch {
			case errors.Is(e, datastore.ErrNoSuchEntity):
				return nil, nil
			case e != nil:
				err = e
			}
		}
	}
	switch now := s.clock(); {
	case err != nil:
		return nil, err
	case !now.Before(se.expires), !now.Before(e.Expires):
		return nil, nil
	}
	return &e, nil
}

// Naive is one click the naive way, as exercise 9 breaks the counter: read
// the race, add one to its naive count, write the whole race back — two
// Datastore calls with nothing between them to stop another click reading
// the same count, so concurrent clicks overwrite one another. It returns
// the count it wrote, or ErrNoRace when there is no live race.
//
// The write is an update, not a put: it fails if the race was deleted
// meanwhile (its session ended), so a click in flight cannot bring a race
// back.
func (s *Store) Naive(ctx context.Context, sess *datastore.Key) (int, error) {
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	e, err := s.lookup(ctx, nil, sess)
	if err == nil && e == nil {
		err = ErrNoRace
	}
	if err != nil {
		return 0, wrap("naive click", err)
	}
	e.Naive++
	if err := s.writeBack(ctx, sess, e); err != nil {
		return 0, wrap("naive click", err)
	}
	return e.Naive, nil
}

// writeBack writes a race read with lookup back whole, unless it no longer
// exists: then ErrNoRace.
func (s *Store) writeBack(ctx context.Context, sess *datastore.Key, e *entity) error {
	_, err := s.Client.Mutate(ctx, datastore.NewUpdate(s.key(sess), e))
	if notFound(err) {
		return ErrNoRace
	}
	return err
}

// notFound reports whether err is Datastore's answer to an update of an
// entity that does not exist (Mutate wraps it in a MultiError).
func notFound(err error) bool {
	var multi datastore.MultiError
	if errors.As(err, &multi) && len(multi) == 1 {
		err = multi[0]
	}
	return status.Code(err) == codes.NotFound
}

// Atomic is one click the atomic way: read and write the race in one
// transaction, so Datastore applies concurrent clicks one after the other
// and keeps every one. Clicks on one race in this process queue on a lock
// first (package keylock says why). It returns the count it wrote, or
// ErrNoRace when there is no live race, or ErrBusy when the clicks queued
// on it, or contending with it, left it no time.
func (s *Store) Atomic(ctx context.Context, sess *datastore.Key) (int, error) {
	unlock, err := s.locks.Lock(ctx, sess.Name)
	if err != nil {
		return 0, fmt.Errorf("%w: wait for the clicks before: %w", ErrBusy, err)
	}
	defer unlock()
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	n := 0
	_, err = s.Client.RunInTransaction(ctx, func(tx *datastore.Transaction) error {
		e, err := s.lookup(ctx, tx, sess)
		if err != nil {
			return err
		}
		if e == nil {
			return ErrNoRace
		}
		e.Atomic++
		n = e.Atomic
		_, err = tx.Put(s.key(sess), e)
		return err
	})
	if err != nil {
		return 0, wrap("atomic click", err)
	}
	return n, nil
}

// Delete deletes the race beside session sess, if there is one.
func (s *Store) Delete(ctx context.Context, sess *datastore.Key) error {
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	return wrap("delete", s.Client.Delete(ctx, s.key(sess)))
}

// DeleteExpired deletes races whose hour has passed, in batches of 500,
// until none is left, limit races are deleted (limit <= 0: no limit) or
// ctx ends. It returns how many it deleted, also when it stops on an error.
func (s *Store) DeleteExpired(ctx context.Context, limit int) (int, error) {
	n, err := dsexpire.Delete(ctx, s.Client, Kind, s.Namespace, s.clock(), limit, s.Timeout)
	return n, wrap("delete expired races", err)
}
