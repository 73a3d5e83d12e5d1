// Package dskit holds the rules that package sessionstore and package race
// share in how they use Datastore, so that each is decided once: the bound
// of one call, what counts as contention rather than an outage, a lock per
// key inside the process, and the deletion of entities whose "expires"
// property has passed.
package dskit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"cloud.google.com/go/datastore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Batch is how many entities one query of DeleteExpired finds and one
// commit deletes: Datastore's limit of mutations in a commit.
const Batch = 500

// CallContext bounds one Datastore call or transaction by timeout; zero
// or less leaves ctx's own deadline alone.
func CallContext(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, timeout)
}

// Contention reports whether err is Datastore's answer to requests
// contending for one entity, not a failure of Datastore: a transaction
// that met concurrent ones past its attempts (ErrConcurrentTransaction),
// a call answered Aborted (a write that met a transaction, or Firestore's
// lock timeout, which a transaction's read can meet too), or a transaction
// held by others' locks until the deadline (RunInTransaction).
func Contention(err error) bool {
	return errors.Is(err, errHeld) || errors.Is(err, datastore.ErrConcurrentTransaction) || status.Code(err) == codes.Aborted
}

// errHeld marks a transaction's deadline as contention.
var errHeld = errors.New("dskit: held by concurrent transactions until the deadline")

// RunInTransaction is client.RunInTransaction bounded by timeout
// (CallContext), for a transaction on one entity, with one more sign of
// contention: a deadline met after an attempt's function had read all it
// needed. Datastore answered those reads, so what held the transaction is
// other transactions' locks, on which Firestore in Datastore mode makes it
// wait (3 of 40 clicks of one session across two instances, on its
// emulator); a Datastore that does not answer fails the reads instead.
func RunInTransaction(ctx context.Context, client *datastore.Client, timeout time.Duration, f func(*datastore.Transaction) error, opts ...datastore.TransactionOption) error {
	ctx, cancel := CallContext(ctx, timeout)
	defer cancel()
	read := false
	_, err := client.RunInTransaction(ctx, func(tx *datastore.Transaction) error {
		err := f(tx)
		read = read || err == nil
		return err
	}, opts...)
	if read && (errors.Is(err, context.DeadlineExceeded) || status.Code(err) == codes.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", errHeld, err)
	}
	return err
}

// Locks serializes work on one key (a session's or a race's id) inside
// this process. Two Datastore transactions racing on one entity make
// Datastore abort one of them, and make Firestore in Datastore mode wait on
// ~2 s lock timeouts (1 of 50 concurrent increments kept on its emulator,
// 50 of 50 behind this lock), so queueing the transactions of one entity
// here is faster than letting them collide; the transaction still guards
// against other instances.
//
// A key's lock exists only while it is held or waited for. The zero Locks
// is ready to use.
type Locks struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	held    chan struct{} // a token while someone holds the lock
	waiters int
}

// Lock locks key and returns the function that unlocks it. It gives up
// when ctx ends, returning ctx's error, so a request queued behind a slow
// Datastore call still answers within its deadline.
func (m *Locks) Lock(ctx context.Context, key string) (unlock func(), err error) {
	m.mu.Lock()
	if m.locks == nil {
		m.locks = map[string]*keyLock{}
	}
	l := m.locks[key]
	if l == nil {
		l = &keyLock{held: make(chan struct{}, 1)}
		m.locks[key] = l
	}
	l.waiters++
	m.mu.Unlock()

	release := func() {
		m.mu.Lock()
		if l.waiters--; l.waiters == 0 {
			delete(m.locks, key)
		}
		m.mu.Unlock()
	}
	select {
	case l.held <- struct{}{}:
		return func() { <-l.held; release() }, nil
	case <-ctx.Done():
		release()
		return nil, ctx.Err()
	}
}

// DeleteExpired deletes the entities of kind in namespace whose "expires"
// is before now, in batches of 500, until none is left, limit are deleted
// (limit <= 0: no limit) or ctx ends. Each batch's query and commit are
// bounded by timeout (CallContext). It returns how many it deleted, also
// when it stops on an error, which is Datastore's, unwrapped.
//
// The query filters on the single property "expires", which Datastore's
// built-in indexes serve: no composite index is needed. Its keys are never
// used again (a session's and a race's ids are random), so what the query
// found expired is deleted without being read again.
func DeleteExpired(ctx context.Context, client *datastore.Client, kind, namespace string, now time.Time, limit int, timeout time.Duration) (int, error) {
	deleted := 0
	for limit <= 0 || deleted < limit {
		n := Batch
		if limit > 0 {
			n = min(n, limit-deleted)
		}
		query := datastore.NewQuery(kind).Namespace(namespace).
			FilterField("expires", "<", now).KeysOnly().Limit(n)
		cctx, cancel := CallContext(ctx, timeout)
		keys, err := client.GetAll(cctx, query, nil)
		if err == nil && len(keys) > 0 {
			err = client.DeleteMulti(cctx, keys)
		}
		cancel()
		if err != nil {
			return deleted, err
		}
		deleted += len(keys)
		if len(keys) < n {
			break
		}
	}
	return deleted, nil
}
