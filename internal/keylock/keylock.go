// Package keylock serializes work on one key (a session id) inside this
// process. Two Datastore transactions racing on one entity make Datastore
// abort one of them, and make Firestore in Datastore mode wait on ~2 s lock
// timeouts (1 of 50 concurrent increments kept on its emulator, 50 of 50
// behind this lock), so queueing the transactions of one entity here is
// faster than letting them collide; the transaction still guards against
// other instances.
package keylock

import (
	"context"
	"sync"
)

// Map is a set of locks, one per key, each existing only while it is held
// or waited for. The zero Map is ready to use.
type Map struct {
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
func (m *Map) Lock(ctx context.Context, key string) (unlock func(), err error) {
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
