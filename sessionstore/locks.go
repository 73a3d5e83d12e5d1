package sessionstore

import (
	"context"
	"fmt"
	"sync"
)

// keyedMutex serializes work on one session id inside this process. Two
// transactions racing on one entity make Datastore abort one of them (and
// Firestore in Datastore mode makes them wait on lock timeouts), so
// queueing the updates of one session here is faster than letting them
// collide; the transaction still guards against other instances.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

type keyLock struct {
	held    chan struct{} // a token while someone holds the lock
	waiters int
}

// lock locks id and returns the function that unlocks it. It gives up when
// ctx ends, so a request queued behind a slow Datastore call still answers
// within its deadline.
func (k *keyedMutex) lock(ctx context.Context, id string) (unlock func(), err error) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyLock{}
	}
	l := k.locks[id]
	if l == nil {
		l = &keyLock{held: make(chan struct{}, 1)}
		k.locks[id] = l
	}
	l.waiters++
	k.mu.Unlock()

	release := func() {
		k.mu.Lock()
		if l.waiters--; l.waiters == 0 {
			delete(k.locks, id)
		}
		k.mu.Unlock()
	}
	select {
	case l.held <- struct{}{}:
		return func() { <-l.held; release() }, nil
	case <-ctx.Done():
		release()
		return nil, fmt.Errorf("sessionstore: wait for concurrent update: %w: %w", ErrUnavailable, ctx.Err())
	}
}
