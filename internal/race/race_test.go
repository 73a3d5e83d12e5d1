package race

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

func TestMain(m *testing.M) {
	os.Exit(dstest.Main(m, dstest.Firestore, dstest.Datastore))
}

const id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// newStore is a Store on e in a namespace of the test's own, whose clock
// the test sets.
func newStore(t *testing.T, e *dstest.Emulator) (*Store, *dstest.Counter, *time.Time) {
	t.Helper()
	client, calls := e.Client(t)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	s := &Store{Client: client, Namespace: dstest.Namespace(t), Timeout: 5 * time.Second}
	s.now = func() time.Time { return now }
	return s, calls, &now
}

func TestStore_startGetAndOneClickOfEach(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		s, calls, _ := newStore(t, e)
		ctx := context.Background()
		if _, ok, err := s.Get(ctx, id); err != nil || ok {
			t.Fatalf("before Start: got ok %v, error %v; want no race", ok, err)
		}
		if err := s.Start(ctx, id); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Naive(ctx, id); n != 1 || err != nil {
			t.Errorf("Naive: got %d, %v; want 1", n, err)
		}
		if n, err := s.Atomic(ctx, id); n != 1 || err != nil {
			t.Errorf("Atomic: got %d, %v; want 1", n, err)
		}
		calls.Reset()
		got, ok, err := s.Get(ctx, id)
		if err != nil || !ok || got != (Counts{Naive: 1, Atomic: 1}) {
			t.Errorf("Get: got %+v, ok %v, error %v; want 1 and 1", got, ok, err)
		}
		if n := calls.Calls()["Lookup"]; n != 1 || calls.Total() != 1 {
			t.Errorf("Get: got Datastore calls %v, want one Lookup", calls.Calls())
		}
		// Start again: both from 0.
		if err := s.Start(ctx, id); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := s.Get(ctx, id); got != (Counts{}) {
			t.Errorf("after a second Start: got %+v, want 0 and 0", got)
		}
	})
}

// A click on no race, an expired race or a deleted one writes nothing.
func TestStore_clickWithoutALiveRaceWritesNothing(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		s, calls, now := newStore(t, e)
		ctx := context.Background()
		expired := func() {
			if err := s.Start(ctx, id); err != nil {
				t.Fatal(err)
			}
			*now = now.Add(Lifetime)
		}
		deleted := func() {
			if err := s.Start(ctx, id); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		for _, tt := range []struct {
			name  string
			setup func()
		}{{"never started", func() {}}, {"expired", expired}, {"deleted", deleted}} {
			for _, click := range []struct {
				name string
				f    func(context.Context, string) (int, error)
			}{{"naive", s.Naive}, {"atomic", s.Atomic}} {
				t.Run(tt.name+"/"+click.name, func(t *testing.T) {
					tt.setup()
					calls.Reset()
					if _, err := click.f(ctx, id); !errors.Is(err, ErrNoRace) {
						t.Errorf("got %v, want ErrNoRace", err)
					}
					if n := calls.Calls()["Commit"]; n != 0 {
						t.Errorf("got %d commits, want none", n)
					}
					if _, ok, _ := s.Get(ctx, id); ok {
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
		s, _, _ := newStore(t, e)
		ctx := context.Background()
		if err := s.Start(ctx, id); err != nil {
			t.Fatal(err)
		}
		read, err := s.lookup(ctx, nil, id) // the naive click's read...
		if err != nil || read == nil {
			t.Fatalf("lookup: got %v, %v", read, err)
		}
		if err := s.Delete(ctx, id); err != nil { // ...the session ends...
			t.Fatal(err)
		}
		read.Naive++ // ...and the click writes what it read, plus one
		if err := s.writeBack(ctx, id, read); !errors.Is(err, ErrNoRace) {
			t.Errorf("the write of a deleted race: got %v, want ErrNoRace", err)
		}
		if _, ok, _ := s.Get(ctx, id); ok {
			t.Errorf("the race is back after its deletion")
		}
	})
}

// Concurrent atomic clicks are all kept; the naive ones may lose some,
// which is the lesson, so their figure is logged, not asserted.
func TestStore_concurrentClicks(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		s, _, _ := newStore(t, e)
		ctx := context.Background()
		if err := s.Start(ctx, id); err != nil {
			t.Fatal(err)
		}
		const clicks = 20
		for _, click := range []func(context.Context, string) (int, error){s.Naive, s.Atomic} {
			var wg sync.WaitGroup
			for range clicks {
				wg.Go(func() {
					if _, err := click(ctx, id); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
		}
		got, _, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d concurrent clicks each way: naive kept %d, atomic %d", clicks, got.Naive, got.Atomic)
		if got.Atomic != clicks || got.Naive < 1 || got.Naive > clicks {
			t.Errorf("got naive %d, atomic %d; want 1 to %d, and %d", got.Naive, got.Atomic, clicks, clicks)
		}
	})
}

func TestStore_DeleteExpired(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		s, _, now := newStore(t, e)
		ctx := context.Background()
		ids := []string{id, id[:63] + "0", id[:63] + "1"}
		for _, id := range ids[:2] {
			if err := s.Start(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		*now = now.Add(Lifetime + time.Second)
		if err := s.Start(ctx, ids[2]); err != nil { // live
			t.Fatal(err)
		}
		n, err := s.DeleteExpired(ctx, 0)
		if err != nil || n != 2 {
			t.Errorf("got %d deleted, error %v; want 2", n, err)
		}
		if _, ok, _ := s.Get(ctx, ids[2]); !ok {
			t.Errorf("the live race was deleted")
		}
	})
}
