// Package race keeps the records of the lost-update race of docs/lesson.md
// §7: for one visitor, two counts that many clicks raise at once, one the
// naive way (read, add one, write back) and one in a transaction.
//
// A race is a Datastore entity of its own (kind Race) beside the visitor's
// session, named by the session's id but never part of it: the naive way's
// blind writes can lose clicks of the race, by design, and nothing else.
// Nothing here writes a session. A race starts only for a live session (its
// start reads the session's expiry, sessionstore's indexed "expires", in
// its transaction), and a race is read with its session, so the cookie of an ended session finds no race and starts none.
// A race lasts an hour (Lifetime); DeleteExpired removes the old ones, and
// ending a session should Delete its race after the session.
//
// Run runs a whole race on the server. While it runs, a mark of its own
// (kind RaceRun, beside the race, where no naive write-back of the race can
// clear it) says so, so that one session runs one race at a time on every
// instance, and the visitor's own starts and clicks (another tab) wait for
// it rather than spoil its result.
package race

import (
	"context"
	"errors"
	"fmt"
	"sync"
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
	// RunKind is the Datastore kind of the mark of a race Run runs.
	RunKind = "RaceRun"
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
	// ErrRunning is a start or a click while Run runs the race: nothing was
	// written.
	ErrRunning = errors.New("race: the server is running this race")
	// ErrBusy is a start or a click that found its race too contended to be
	// made in time: its transaction kept meeting concurrent ones, or its
	// wait behind the clicks queued on this instance outlasted the
	// context. Nothing was written. It is the visitor's own clicks
	// contending, not Datastore failing.
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

// runMark is the mark of a race Run runs: it holds until Run ends, and at
// most until Expires, after which it frees the race by itself if Run never
// got to clear it (its instance stopped). The cleanup deletes old ones.
type runMark struct {
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

// Store keeps races beside the sessions of one Datastore namespace. Set
// its fields before use.
type Store struct {
	// Client is the Datastore client of the races and the sessions.
	Client *datastore.Client
	// Namespace is the sessions' namespace, which DeleteExpired cleans; a
	// race is always in its session's.
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

// runKey is the key of the mark of the race beside session sess.
func (s *Store) runKey(sess *datastore.Key) *datastore.Key {
	k := datastore.NameKey(RunKind, sess.Name, nil)
	k.Namespace = sess.Namespace
	return k
}

func (s *Store) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.Timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.Timeout)
}

// busy reports whether err is Datastore's answer to contention: a
// transaction past its attempts, or a write that met a transaction.
func busy(err error) bool {
	return errors.Is(err, datastore.ErrConcurrentTransaction) || status.Code(err) == codes.Aborted
}

// wrap marks a Datastore error as ErrBusy or ErrUnavailable, with the
// operation; the package's own errors pass as they are.
func wrap(op string, err error) error {
	switch {
	case err == nil, errors.Is(err, ErrNoRace), errors.Is(err, ErrNoSession), errors.Is(err, ErrRunning), errors.Is(err, ErrBusy):
		return err
	case busy(err):
		return fmt.Errorf("%w: %s: %w", ErrBusy, op, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, err)
}

// lock queues the starts and atomic clicks of one race in this process
// (package keylock says why); a wait that outlasts ctx is ErrBusy.
func (s *Store) lock(ctx context.Context, sess *datastore.Key) (unlock func(), err error) {
	unlock, err = s.locks.Lock(ctx, sess.Name)
	if err != nil {
		return nil, fmt.Errorf("%w: wait for the clicks before: %w", ErrBusy, err)
	}
	return unlock, nil
}

// Start starts the race beside session sess afresh, for the browser to
// run: both counts 0, for an hour, whatever the race held before. It reads
// the session in the same transaction, so a race starts only for a live
// session (ErrNoSession otherwise) and never after the session's deletion
// has committed; while Run runs the race, ErrRunning.
func (s *Store) Start(ctx context.Context, sess *datastore.Key) error {
	return s.start(ctx, sess, time.Time{})
}

// start is Start, marking the race as run by the server until running
// unless that is zero.
func (s *Store) start(ctx context.Context, sess *datastore.Key, running time.Time) error {
	unlock, err := s.lock(ctx, sess)
	if err != nil {
		return err
	}
	defer unlock()
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	_, err = s.Client.RunInTransaction(ctx, func(tx *datastore.Transaction) error {
		var se dsexpire.Expiry
		var mark runMark
		err := tx.GetMulti([]*datastore.Key{sess, s.runKey(sess)}, []any{&se, &mark})
		missing, err := missingOf(err)
		now := s.clock()
		switch {
		case err != nil:
			return err
		case missing[0], !now.Before(se.Expires):
			return ErrNoSession
		case !missing[1] && now.Before(mark.Expires):
			return ErrRunning
		}
		if _, err := tx.Put(s.key(sess), &entity{Expires: now.Add(Lifetime)}); err != nil {
			return err
		}
		if running.IsZero() {
			return nil
		}
		_, err = tx.Put(s.runKey(sess), &runMark{Expires: running})
		return err
	})
	return wrap("start", err)
}

// missingOf splits a GetMulti error into which entities were missing and
// the first other error.
func missingOf(err error) (missing [3]bool, _ error) {
	var multi datastore.MultiError
	if !errors.As(err, &multi) {
		return missing, err
	}
	for i, e := range multi {
		switch {
		case errors.Is(e, datastore.ErrNoSuchEntity):
			missing[i] = true
		case e != nil:
			return missing, e
		}
	}
	return missing, nil
}

// Get returns the counts of the race beside session sess; ok is false when
// there is none, it has expired, or its session has. One Lookup.
func (s *Store) Get(ctx context.Context, sess *datastore.Key) (c Counts, ok bool, err error) {
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	e, err := s.lookup(ctx, sess, false)
	if err != nil || e == nil {
		return Counts{}, false, wrap("read", err)
	}
	return e.Counts, true, nil
}

// lookup reads a live race and its session together, in one call, with no
// transaction: no lock on the session. A race that is missing or expired,
// or whose session is, is (nil, nil). With mark, it reads the race's run
// mark in the same call, and answers ErrRunning while it holds.
func (s *Store) lookup(ctx context.Context, sess *datastore.Key, mark bool) (*entity, error) {
	var se dsexpire.Expiry
	var e entity
	var m runMark
	keys, dst := []*datastore.Key{sess, s.key(sess)}, []any{&se, &e}
	if mark {
		keys, dst = append(keys, s.runKey(sess)), append(dst, &m)
	}
	missing, err := missingOf(s.Client.GetMulti(ctx, keys, dst))
	switch now := s.clock(); {
	case err != nil:
		return nil, err
	case missing[0], missing[1], !now.Before(se.Expires), !now.Before(e.Expires):
		return nil, nil
	case mark && !missing[2] && now.Before(m.Expires):
		return nil, ErrRunning
	}
	return &e, nil
}

// Naive is one click of the browser's race the naive way, as exercise 9
// breaks the counter: read the race, add one to its naive count, write the
// whole race back — two Datastore calls with nothing between them to stop
// another click reading the same count, so concurrent clicks overwrite one
// another. It returns the counts it wrote, ErrNoRace when there is no live
// race, or ErrRunning while Run runs it.
//
// The write is an update, not a put: it fails if the race was deleted
// meanwhile (its session ended), so a click in flight cannot bring a race
// back. Like any naive write, it puts back what it read: a click that read
// before a start writes the old race back over the new one.
func (s *Store) Naive(ctx context.Context, sess *datastore.Key) (Counts, error) {
	return s.naive(ctx, sess, false)
}

// naive is Naive; run says the click is Run's own.
func (s *Store) naive(ctx context.Context, sess *datastore.Key, run bool) (Counts, error) {
	rctx, cancel := s.callContext(ctx)
	e, err := s.lookup(rctx, sess, !run)
	cancel()
	switch {
	case err != nil:
		return Counts{}, wrap("naive click", err)
	case e == nil:
		return Counts{}, ErrNoRace
	}
	e.Naive++
	wctx, cancel := s.callContext(ctx)
	defer cancel()
	if err := s.writeBack(wctx, sess, e); err != nil {
		return Counts{}, wrap("naive click", err)
	}
	return e.Counts, nil
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

// Atomic is one click of the browser's race the atomic way: read and write
// the race in one transaction, so Datastore applies concurrent clicks one
// after the other and keeps every one. Clicks on one race in this process
// queue on a lock first. It returns the counts it wrote, ErrNoRace when
// there is no live race, ErrRunning while Run runs it, or ErrBusy.
//
// The transaction reads the race and its run mark, not its session, so
// that it locks nothing of the visitor's session: a race exists only while
// its session
// does (Start reads the session; ending a session deletes its race after
// it, and until then the transaction meets that deletion and retries).
func (s *Store) Atomic(ctx context.Context, sess *datastore.Key) (Counts, error) {
	return s.atomic(ctx, sess, false)
}

// atomic is Atomic; run says the click is Run's own.
func (s *Store) atomic(ctx context.Context, sess *datastore.Key, run bool) (Counts, error) {
	unlock, err := s.lock(ctx, sess)
	if err != nil {
		return Counts{}, err
	}
	defer unlock()
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	var c Counts
	_, err = s.Client.RunInTransaction(ctx, func(tx *datastore.Transaction) error {
		var e entity
		var m runMark
		keys, dst := []*datastore.Key{s.key(sess)}, []any{&e}
		if !run {
			keys, dst = append(keys, s.runKey(sess)), append(dst, &m)
		}
		missing, err := missingOf(tx.GetMulti(keys, dst))
		now := s.clock()
		switch {
		case err != nil:
			return err
		case missing[0], !now.Before(e.Expires):
			return ErrNoRace
		case !run && !missing[1] && now.Before(m.Expires):
			return ErrRunning
		}
		e.Atomic++
		c = e.Counts
		_, err = tx.Put(s.key(sess), &e)
		return err
	})
	return c, wrap("atomic click", err)
}

// Run runs a whole race for session sess on the server, as the lesson
// shows it: clicks clicks at once the naive way, then as many the atomic
// way, on the race started afresh, and returns what each way kept. The
// bursts run one after the other: a naive write puts back the whole race
// as it read it, so during the atomic burst it would undo atomic clicks.
//
// The race is marked as running for at most maxRun, so that the session's
// other starts and clicks (on any instance) get ErrRunning meanwhile; Run
// clears the mark when it ends, whether it ran to the end or not (its
// client left, a click failed), and the mark lapses by itself if Run
// cannot. It costs a start, a commit per click, and the mark's deletion.
func (s *Store) Run(ctx context.Context, sess *datastore.Key, clicks int, maxRun time.Duration) (Counts, error) {
	if err := s.start(ctx, sess, s.clock().Add(maxRun)); err != nil {
		return Counts{}, err
	}
	defer s.clearMark(ctx, sess)
	for _, click := range []func(context.Context, *datastore.Key, bool) (Counts, error){s.naive, s.atomic} {
		errs := make([]error, clicks)
		var wg sync.WaitGroup
		for i := range clicks {
			wg.Go(func() { _, errs[i] = click(ctx, sess, true) })
		}
		wg.Wait()
		if err := firstOf(errs); err != nil {
			return Counts{}, err // the first is enough: they share a cause
		}
	}
	c, ok, err := s.Get(ctx, sess)
	if err == nil && !ok {
		err = ErrNoRace // the session ended meanwhile
	}
	return c, err
}

// firstOf returns the first error of errs that is not nil.
func firstOf(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// clearMark deletes the mark of Run's race, also when Run's context has
// ended (its client left): otherwise the mark would hold the session's
// race until it lapses. A failure leaves it to lapse.
func (s *Store) clearMark(ctx context.Context, sess *datastore.Key) {
	ctx, cancel := s.callContext(context.WithoutCancel(ctx))
	defer cancel()
	s.Client.Delete(ctx, s.runKey(sess))
}

// Delete deletes the race beside session sess, and its run mark, if there
// are any.
func (s *Store) Delete(ctx context.Context, sess *datastore.Key) error {
	ctx, cancel := s.callContext(ctx)
	defer cancel()
	return wrap("delete", s.Client.DeleteMulti(ctx, []*datastore.Key{s.key(sess), s.runKey(sess)}))
}

// DeleteExpired deletes races whose hour has passed, in batches of 500,
// until none is left, limit races are deleted (limit <= 0: no limit) or
// ctx ends. It returns how many it deleted, also when it stops on an error.
// A race's key is its session's id, so a race that expired can start again
// under the same key: each batch is deleted in a transaction that reads it
// again and keeps what started meanwhile.
// Run marks that lapsed without Run clearing them go the same way; they
// are not counted.
func (s *Store) DeleteExpired(ctx context.Context, limit int) (int, error) {
	n, err := dsexpire.Delete(ctx, s.Client, dsexpire.Query{Kind: Kind, Namespace: s.Namespace, Recheck: true}, s.clock(), limit, s.Timeout)
	if err == nil {
		_, err = dsexpire.Delete(ctx, s.Client, dsexpire.Query{Kind: RunKind, Namespace: s.Namespace, Recheck: true}, s.clock(), limit, s.Timeout)
	}
	return n, wrap("delete expired races", err)
}
