package race

import (
	"context"

	"errors"
	"os"
	"testing"
	"time"

	"cloud.google.com/go/datastore"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

func TestMain(m *testing.M) {
	os.Exit(dstest.Main(m, dstest.Firestore, dstest.Datastore))
}

const id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// newStore is a Store on e in a namespace of the test's own, whose clock
// the test sets, and the key of a session there that lives 100 hours
// (sessionstore's layout: kind Session, property expires).
func newStore(t *testing.T, e *dstest.Emulator) (*Store, *datastore.Key, *dstest.Counter, *time.Time) {
	t.Helper()
	client, calls := e.Client(t)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	s := &Store{Client: client, Namespace: dstest.Namespace(t), Timeout: 5 * time.Second}
	s.now = func() time.Time { return now }
	return s, putSession(t, s, id, now.Add(100*time.Hour)), calls, &now
}

// putSession stores a session entity of id that expires then, as
// sessionstore does, and returns its key.
func putSession(t *testing.T, s *Store, id string, expires time.Time) *datastore.Key {
	t.Helper()
	k := datastore.NameKey("Session", id, nil)
	k.Namespace = s.Namespace
	e := struct {
		Values  []byte    `datastore:"values,noindex"`
		Expires time.Time `datastore:"expires"`
	}{[]byte{2, 0}, expires}
	if _, err := s.Client.Put(context.Background(), k, &e); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestStore_startGetAndOneClickOfEach(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		s, sess, calls, _ := newStore(t, e)
		ctx := context.Background()
		if _, ok, err := s.Get(ctx, sess); err != nil || ok {
			t.Fatalf("before Start: got ok %v, error %v; want no race", ok, err)
		}
		if err := s.Start(ctx, sess); err != nil {
			t.Fatal(err)
		}
		if c, err := s.Naive(ctx, sess); c != (Counts{Naive: 1}) || err != nil {
			t.Errorf("Naive: got %+v, %v; want naive 1", c, err)
		}
		if c, err := s.Atomic(ctx, sess); c != (Counts{Naive: 1, Atomic: 1}) || err != nil {
			t.Errorf("Atomic: got %+v, %v; want naive 1 and atomic 1", c, err)
		}
		calls.Reset()
		got, ok, err := s.Get(ctx, sess)
		if err != nil || !ok || got != (Counts{Naive: 1, Atomic: 1}) {
			t.Errorf("Get: got %+v, ok %v, error %v; want 1 and 1", got, ok, err)
		}
		if n := calls.Calls()["Lookup"]; n != 1 || calls.Total() != 1 {
			t.Errorf("Get: got Datastore calls %v, want one Lookup", calls.Calls())
		}
		// Start again: both from 0.
		if err := s.Start(ctx, sess); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := s.Get(ctx, sess); got != (Counts{}) {
			t.Errorf("after a second Start: got %+v, want 0 and 0", got)
		}
	})
}

// A click on no race, an expired race or a deleted one writes nothing.
func TestStore_clickWithoutALiveRaceWritesNothing(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		s, sess, calls, now := newStore(t, e)
		ctx := context.Background()
		expired := func() {
			if err := s.Start(ctx, sess); err != nil {
				t.Fatal(err)
			}
			*now = now.Add(Lifetime)
		}
		deleted := func() {
			if err := s.Start(ctx, sess); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(ctx, sess); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct {
			name  string
			setup func()
		}{{"never started", func() {}}, {"expired", expired}, {"deleted", deleted}} {
			for _, click := range []struct {
				name string
				f    func(context.Context, *datastore.Key) (Counts, error)
			}{{"naive", s.Naive}, {"atomic", s.Atomic}} {
				t.Run(tt.name+"/"+click.name, func(t *testing.T) {
					tt.setup()
					calls.Reset()
					if _, err := click.f(ctx, sess); !errors.Is(err, ErrNoRace) {
						t.Errorf("got %v, want ErrNoRace", err)
					}
					if n := calls.Calls()["Commit"]; n != 0 {
						t.Errorf("got %d commits, want none", n)
					}
					if _, ok, _ := s.Get(ctx, sess); ok {
						t.Errorf("Get after the click: a race, want none")
					}
				})
			}
		}
	})
}

// The naive way's write is an update: a click that read the race before it
// was deleted cannot bring it back.
func TestStore_naiveWriteDoesNotBringBackADeletedRace(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		s, sess, _, _ := newStore(t, e)
		ctx := context.Background()
		if err := s.Start(ctx, sess); err != nil {
			t.Fatal(err)
		}
		read, err := s.lookup(ctx, sess, false) // the naive click's read...
		if err != nil || read == nil {
			t.Fatalf("lookup: got %v, %v", read, err)
		}
		if err := s.Delete(ctx, sess); err != nil { // ...the session ends...
			t.Fatal(err)
		}
		read.Naive++ // ...and the click writes what it read, plus one
		if err := s.writeBack(ctx, sess, read); !errors.Is(err, ErrNoRace) {
			t.Errorf("the write of a deleted race: got %v, want ErrNoRace", err)
		}
		if _, ok, _ := s.Get(ctx, sess); ok {
			t.Errorf("the race is back after its deletion")
		}
	})
}

// A race run by the server: 20 clicks at once each way. The atomic way
// keeps every one; the naive way may lose some, which is the lesson, so
// its figure is logged, not asserted. The run is its start, a commit per
// click, and its end.
func TestStore_Run(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		s, sess, calls, _ := newStore(t, e)
		const clicks = 20
		calls.Reset()
		got, err := s.Run(context.Background(), sess, clicks, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d concurrent clicks each way: naive kept %d, atomic %d", clicks, got.Naive, got.Atomic)
		if got.Atomic != clicks || got.Naive < 1 || got.Naive > clicks {
			t.Errorf("got naive %d, atomic %d; want 1 to %d, and %d", got.Naive, got.Atomic, clicks, clicks)
		}
		if n := calls.Calls()["Commit"]; n != 2+2*clicks {
			t.Errorf("got %d commits, want %d", n, 2+2*clicks)
		}
	})
}

// While the server runs a race, the session's own starts and clicks are
// refused, on every instance, until the run ends or its mark lapses.
func TestStore_runningRaceRefusesStartsAndClicks(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		s, sess, _, now := newStore(t, e)
		other := &Store{Client: s.Client, Namespace: s.Namespace, now: s.now} // another instance
		ctx := context.Background()
		if err := s.start(ctx, sess, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		refused := func(when string) {
			t.Helper()
			if err := other.Start(ctx, sess); !errors.Is(err, ErrRunning) {
				t.Errorf("%s: Start got %v, want ErrRunning", when, err)
			}
			for name, click := range map[string]func(context.Context, *datastore.Key) (Counts, error){"naive": other.Naive, "atomic": other.Atomic} {
				if _, err := click(ctx, sess); !errors.Is(err, ErrRunning) {
					t.Errorf("%s: %s click got %v, want ErrRunning", when, name, err)
				}
			}
		}
		refused("during the run")
		// A naive click that read the race before the run started writes
		// it back whole: the mark, an entity of its own, holds.
		read, err := s.lookup(ctx, sess, false)
		if err != nil || read == nil {
			t.Fatalf("lookup: got %v, %v", read, err)
		}
		if err := s.writeBack(ctx, sess, read); err != nil {
			t.Fatal(err)
		}
		refused("after a naive write-back")
		gone, cancel := context.WithCancel(ctx)
		cancel()
		s.clearMark(gone, sess) // Run's client left: the mark goes all the same
		if _, err := other.Naive(ctx, sess); err != nil {
			t.Errorf("after the run: naive click got %v", err)
		}
		if err := s.start(ctx, sess, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		refused("during a second run")
		*now = now.Add(time.Minute) // the run never finished: its mark lapses
		if err := other.Start(ctx, sess); err != nil {
			t.Errorf("after the mark lapsed: Start got %v", err)
		}
	})
}

func TestStore_DeleteExpired(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		s, _, _, now := newStore(t, e)
		ctx := context.Background()
		var sessions []*datastore.Key
		for _, id := range []string{id[:63] + "0", id[:63] + "1", id[:63] + "2"} {
			sessions = append(sessions, putSession(t, s, id, now.Add(3*Lifetime)))
		}
		for _, sess := range sessions[:2] {
			if err := s.Start(ctx, sess); err != nil {
				t.Fatal(err)
			}
		}
		*now = now.Add(Lifetime + time.Second)
		if err := s.Start(ctx, sessions[2]); err != nil { // live
			t.Fatal(err)
		}
		n, err := s.DeleteExpired(ctx, 0)
		if err != nil || n != 2 {
			t.Errorf("got %d deleted, error %v; want 2", n, err)
		}
		if _, ok, _ := s.Get(ctx, sessions[2]); !ok {
			t.Errorf("the live race was deleted")
		}
	})
}

// A race lives only while its session does: none starts for a session
// that is gone or expired, and one whose session ends or expires is no
// longer read or clicked, though its own hour has not passed.
func TestStore_raceOnlyWhileItsSessionLives(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		s, sess, calls, now := newStore(t, e)
		ctx := context.Background()
		gone := datastore.NameKey("Session", id[:63]+"9", nil)
		gone.Namespace = s.Namespace
		expired := putSession(t, s, id[:63]+"8", now.Add(-time.Second))
		for name, k := range map[string]*datastore.Key{"no session": gone, "an expired session": expired} {
			calls.Reset()
			if err := s.Start(ctx, k); !errors.Is(err, ErrNoSession) {
				t.Errorf("Start for %s: got %v, want ErrNoSession", name, err)
			}
			if n := calls.Calls()["Commit"]; n != 0 {
				t.Errorf("Start for %s: got %d commits, want none", name, n)
			}
		}
		if err := s.Start(ctx, sess); err != nil {
			t.Fatal(err)
		}
		// The session ends, and its race is not deleted yet (or its deletion
		// failed): reads and naive clicks, which read the session, find no
		// race; the atomic click, whose transaction reads no session so
		// as to lock nothing of the session, waits for the race's deletion.
		if err := s.Client.Delete(ctx, sess); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.Get(ctx, sess); ok || err != nil {
			t.Errorf("Get after the session ended: got ok %v, %v; want no race", ok, err)
		}
		if _, err := s.Naive(ctx, sess); !errors.Is(err, ErrNoRace) {
			t.Errorf("naive click after the session ended: got %v, want ErrNoRace", err)
		}
		if err := s.Delete(ctx, sess); err != nil { // as ending a session does, after it
			t.Fatal(err)
		}
		if _, err := s.Atomic(ctx, sess); !errors.Is(err, ErrNoRace) {
			t.Errorf("atomic click after the race's deletion: got %v, want ErrNoRace", err)
		}
		putSession(t, s, id, now.Add(time.Minute)) // a session of that id again, that expires first
		if err := s.Start(ctx, sess); err != nil {
			t.Fatal(err)
		}
		*now = now.Add(time.Minute)
		if _, ok, _ := s.Get(ctx, sess); ok {
			t.Errorf("Get after the session expired: a race, want none")
		}
	})
}
