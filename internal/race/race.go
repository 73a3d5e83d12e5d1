// Package race keeps the records of the lost-update race of docs/lesson.md
// §7: for one visitor, two counts that many clicks raise at once, one the
// naive way (read, add one, write back) and one in a transaction.
//
// A race is a Datastore entity of its own (kind Race), named by the id of
// the visitor's session but never part of it: the naive way's blind writes
// can lose clicks of the race, by design, and nothing else. Nothing here
// reads or writes a session. A race lasts an hour (Lifetime); DeleteExpired
// removes the old ones, and ending a session should Delete its race.
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
	// or was deleted with its session: nothing was written.
	ErrNoRace = errors.New("race: no race started")
	// ErrUnavailable marks every error that comes from Datastore; a retry
	// may succeed.
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

// Store keeps races in one Datastore namespace. Set its fields before use.
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

func (s *Store) key(id string) *datastore.Key {
	k := datastore.NameKey(Kind, id, nil)
	k.Namespace = s.Namespace
	return k
}

func (s *Store) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.Timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.Timeout)
}

// wrap marks a Datastore error as ErrUnavailable, with the operation.
func wrap(op string, err error) error {
	if err == nil || errors.Is(err, ErrNoRace) {
		return err
	}
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, err)
}

// Start starts the race of session id afresh: both counts 0, for an hour.
// One write, whatever the race held before.
func (s *Store) Start(ctx context.Context, id string) error {
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	_, err := s.Client.Put(ctx, s.key(id), &entity{Expires: s.clock().Add(Lifetime)})
	return wrap("start", err)
}

// Get returns the counts of session id's race; ok is false when there is
// no race, or it has expired. One Lookup.
func (s *Store) Get(ctx context.Context, id string) (c Counts, ok bool, err error) {
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	e, err := s.lookup(ctx, nil, id)
	if err != nil {
		return Counts{}, false, wrap("read", err)
	}
	if e == nil {
		return Counts{}, false, nil
	}
	return e.Counts, true, nil
}

// lookup reads a live race, in tx if it is not nil; a race that is missing
// or expired is (nil, nil).
func (s *Store) lookup(ctx context.Context, tx *datastore.Transaction, id string) (*entity, error) {
	var e entity
	var err error
	if tx != nil {
		err = tx.Get(s.key(id), &e)
	} else {
		err = s.Client.Get(ctx, s.key(id), &e)
	}
	switch {
	case errors.Is(err, datastore.ErrNoSuchEntity):
		return nil, nil
	case err != nil:
		return nil, err
	case !s.clock().Before(e.Expires):
		return nil, nil
	}
	return &e, nil
}

// Naive is one click the naive way, as exercise 9 breaks the counter: read
// the race, add one to its naive count, write the whole race back — two
// Datastore calls with nothing between them to stop another click reading
// the same count, so concurrent clicks overwrite one another. It returns
// the count it wrote.
//
// The write is an update, not a put: it fails if the race was deleted
// meanwhile (its session ended), so a click in flight cannot bring a race
// back. It answers ErrNoRace when there is no live race.
func (s *Store) Naive(ctx context.Context, id string) (int, error) {
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	e, err := s.lookup(ctx, nil, id)
	if err != nil {
		return 0, wrap("naive click", err)
	}
	if e == nil {
		return 0, ErrNoRace
	}
	e.Naive++
	if err := s.writeBack(ctx, id, e); err != nil {
		return 0, wrap("naive click", err)
	}
	return e.Naive, nil
}

// writeBack writes a race read with lookup back whole, unless it no longer
// exists: then ErrNoRace.
func (s *Store) writeBack(ctx context.Context, id string, e *entity) error {
	_, err := s.Client.Mutate(ctx, datastore.NewUpdate(s.key(id), e))
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
// ErrNoRace when there is no live race.
func (s *Store) Atomic(ctx context.Context, id string) (int, error) {
	unlock, err := s.locks.Lock(ctx, id)
	if err != nil {
		return 0, wrap("wait for the race", err)
	}
	defer unlock()
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	n := 0
	_, err = s.Client.RunInTransaction(ctx, func(tx *datastore.Transaction) error {
		e, err := s.lookup(ctx, tx, id)
		if err != nil {
			return err
		}
		if e == nil {
			return ErrNoRace
		}
		e.Atomic++
		n = e.Atomic
		_, err = tx.Put(s.key(id), e)
		return err
	})
	if errors.Is(err, ErrNoRace) {
		return 0, ErrNoRace
	}
	return n, wrap("atomic click", err)
}

// Delete deletes session id's race, if it has one.
func (s *Store) Delete(ctx context.Context, id string) error {
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	return wrap("delete", s.Client.Delete(ctx, s.key(id)))
}

// DeleteExpired deletes races whose hour has passed, in batches of 500,
// until none is left, limit races are deleted (limit <= 0: no limit) or
// ctx ends. It returns how many it deleted, also when it stops on an error.
func (s *Store) DeleteExpired(ctx context.Context, limit int) (int, error) {
	n, err := dsexpire.Delete(ctx, s.Client, Kind, s.Namespace, s.clock(), limit, s.Timeout)
	return n, wrap("delete expired races", err)
}
