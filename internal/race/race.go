// Package race keeps the records of the lost-update race of docs/lesson.md
// §7: two counts that many clicks raise at once, one the naive way (read,
// add one, write back) and one in a transaction.
//
// A race is a Datastore entity of its own (kind Race) under a random,
// unguessable id, never tied to a session: whoever holds the id can click
// it, for an hour (Lifetime), and nothing else. So the naive way's blind
// writes can lose clicks of the race, by design, and nothing else, and no
// race reads or writes a session. DeleteExpired removes old races.
//
// Run runs a whole race on the server, on a race of its own that nobody
// else knows of, and deletes it when done.
package race

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"cloud.google.com/go/datastore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gae-lessons/sessions-go/internal/dskit"
)

const (
	// Kind is the Datastore kind of race entities.
	Kind = "Race"
	// Lifetime is how long a race can be clicked and read after it starts.
	Lifetime = time.Hour
)

var (
	// ErrNoRace is a click on a race that does not exist: never started,
	// expired, deleted, or an id that is not one. Nothing was written.
	ErrNoRace = errors.New("race: no such race")
	// ErrBusy is a click that found its race too contended to be made in
	// time: its transaction kept meeting concurrent ones, its wait behind
	// the clicks queued on this instance outlasted the context, or Run's
	// own burst outlasted it. Nothing more was written. It is the race's
	// own clicks contending, not Datastore failing.
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

// Load reads a race, skipping properties this version does not know: a
// later version may add one while both serve.
func (e *entity) Load(props []datastore.Property) error {
	var mismatch *datastore.ErrFieldMismatch
	if err := datastore.LoadStruct(e, props); err != nil && !errors.As(err, &mismatch) {
		return err
	}
	return nil
}

func (e *entity) Save() ([]datastore.Property, error) { return datastore.SaveStruct(e) }

// Store keeps races in one Datastore namespace. Set its fields before use.
type Store struct {
	Client    *datastore.Client
	Namespace string
	// Timeout bounds each Datastore call or transaction; zero means the
	// context's deadline alone.
	Timeout time.Duration

	locks dskit.Locks
	now   func() time.Time
}

func (s *Store) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// idAlphabet is what crypto/rand.Text writes: 26 characters of base32, 130
// random bits.
const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// key is the key of race id, or nil for a string that rand.Text cannot
// have written (a cookie's junk): no Datastore call is made for it.
func (s *Store) key(id string) *datastore.Key {
	if len(id) != 26 || strings.Trim(id, idAlphabet) != "" {
		return nil
	}
	k := datastore.NameKey(Kind, id, nil)
	k.Namespace = s.Namespace
	return k
}

// wrap marks a Datastore error as ErrBusy (dskit.Contention) or
// ErrUnavailable, with the operation; the package's own errors pass as
// they are.
func wrap(op string, err error) error {
	switch {
	case err == nil, errors.Is(err, ErrNoRace), errors.Is(err, ErrBusy):
		return err
	case dskit.Contention(err):
		return fmt.Errorf("%w: %s: %w", ErrBusy, op, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, err)
}

// Start starts a new race, both counts 0, for an hour, and returns its id:
// one write, which no other race can meet.
func (s *Store) Start(ctx context.Context) (id string, err error) {
	id = rand.Text()
	ctx, cancel := dskit.CallContext(ctx, s.Timeout)
	defer cancel()
	_, err = s.Client.Put(ctx, s.key(id), &entity{Expires: s.clock().Add(Lifetime)})
	return id, wrap("start", err)
}

// Get returns the counts of race id; ok is false when there is no such
// race or it has expired. One Lookup, none for a malformed id.
func (s *Store) Get(ctx context.Context, id string) (c Counts, ok bool, err error) {
	ctx, cancel := dskit.CallContext(ctx, s.Timeout)
	defer cancel()
	e, err := s.lookup(ctx, id)
	if err != nil || e == nil {
		return Counts{}, false, wrap("read", err)
	}
	return e.Counts, true, nil
}

// lookup reads race id with no transaction; a race that is missing or
// expired is (nil, nil).
func (s *Store) lookup(ctx context.Context, id string) (*entity, error) {
	k := s.key(id)
	if k == nil {
		return nil, nil
	}
	var e entity
	switch err := s.Client.Get(ctx, k, &e); {
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
// the counts it wrote, or ErrNoRace when there is no live race id.
//
// The write is an update, not a put: it fails if the race was deleted
// meanwhile (Run's end, the cleanup), so a click in flight cannot bring a
// race back.
func (s *Store) Naive(ctx context.Context, id string) (Counts, error) {
	c, err := s.naive(ctx, id)
	return c, wrap("naive click", err)
}

func (s *Store) naive(ctx context.Context, id string) (Counts, error) {
	rctx, cancel := dskit.CallContext(ctx, s.Timeout)
	e, err := s.lookup(rctx, id)
	cancel()
	switch {
	case err != nil:
		return Counts{}, err
	case e == nil:
		return Counts{}, ErrNoRace
	}
	e.Naive++
	wctx, cancel := dskit.CallContext(ctx, s.Timeout)
	defer cancel()
	return e.Counts, s.writeBack(wctx, id, e)
}

// writeBack writes a race read with lookup back whole, unless it no longer
// exists: then ErrNoRace.
func (s *Store) writeBack(ctx context.Context, id string, e *entity) error {
	_, err := s.Client.Mutate(ctx, datastore.NewUpdate(s.key(id), e))
	var multi datastore.MultiError // Mutate may wrap the update's NotFound in one
	if errors.As(err, &multi) && len(multi) == 1 {
		err = multi[0]
	}
	if status.Code(err) == codes.NotFound {
		return ErrNoRace
	}
	return err
}

// Atomic is one click the atomic way: read and write the race in one
// transaction, so Datastore applies concurrent clicks one after the other
// and keeps every one. Clicks on one race in this process queue on a lock
// first. It returns the counts it wrote, ErrNoRace when there is no live
// race id (nothing committed), or ErrBusy.
func (s *Store) Atomic(ctx context.Context, id string) (Counts, error) {
	c, err := s.atomic(ctx, id)
	return c, wrap("atomic click", err)
}

func (s *Store) atomic(ctx context.Context, id string) (Counts, error) {
	k := s.key(id)
	if k == nil {
		return Counts{}, ErrNoRace
	}
	unlock, err := s.locks.Lock(ctx, id)
	if err != nil {
		return Counts{}, fmt.Errorf("%w: wait for the clicks before: %w", ErrBusy, err)
	}
	defer unlock()
	var c Counts
	err = dskit.RunInTransaction(ctx, s.Client, s.Timeout, func(tx *datastore.Transaction) error {
		var e entity
		switch err := tx.Get(k, &e); {
		case errors.Is(err, datastore.ErrNoSuchEntity):
			return ErrNoRace
		case err != nil:
			return err
		case !s.clock().Before(e.Expires):
			return ErrNoRace
		}
		e.Atomic++
		c = e.Counts
		_, err := tx.Put(k, &e)
		return err
	})
	return c, err
}

// Run runs a whole race on the server, as the lesson shows it: clicks
// clicks at once the naive way, then as many the atomic way, on a new race
// that only Run knows of, and returns what each way kept. The bursts run
// one after the other: a naive write puts back the whole race as it read
// it, so during the atomic burst it would undo atomic clicks.
//
// Run deletes its race when it ends, however it ends (its client left, a
// click failed); if that fails, the race expires like any other. A burst
// that outlasts ctx or a call's bound is ErrBusy: Datastore answered the
// start, and it is the race's own clicks, all on one record, that are slow.
// It costs a start, a commit per click, a read and the deletion.
func (s *Store) Run(ctx context.Context, clicks int) (Counts, error) {
	id, err := s.Start(ctx)
	if err != nil {
		return Counts{}, err
	}
	defer func() {
		dctx, cancel := dskit.CallContext(context.WithoutCancel(ctx), s.Timeout)
		defer cancel()
		s.Client.Delete(dctx, s.key(id))
	}()
	for _, click := range []func(context.Context, string) (Counts, error){s.naive, s.atomic} {
		errs := make([]error, clicks)
		var wg sync.WaitGroup
		for i := range clicks {
			wg.Go(func() { _, errs[i] = click(ctx, id) })
		}
		wg.Wait()
		for _, err := range errs {
			if status.Code(err) == codes.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, ErrBusy) {
				return Counts{}, fmt.Errorf("%w: the race's own clicks outlasted the deadline: %w", ErrBusy, err)
			}
			if err != nil {
				return Counts{}, wrap("race", err) // the first is enough: they share a cause
			}
		}
	}
	c, ok, err := s.Get(ctx, id)
	if err == nil && !ok {
		err = ErrNoRace // expired or cleaned up meanwhile: not with a sane clock
	}
	return c, err
}

// DeleteExpired deletes races whose hour has passed, in batches of 500,
// until none is left, limit races are deleted (limit <= 0: no limit) or
// ctx ends. It returns how many it deleted, also when it stops on an error.
func (s *Store) DeleteExpired(ctx context.Context, limit int) (int, error) {
	n, err := dskit.DeleteExpired(ctx, s.Client, Kind, s.Namespace, s.clock(), limit, s.Timeout)
	return n, wrap("delete expired races", err)
}
