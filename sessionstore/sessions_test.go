package sessionstore_test

import (
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

func TestStore_Sessions(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		v := newEnv(t, e)
		v.save(t, map[any]any{"count": 1}) // expires first: left out at limit 2
		v.clock.advance(time.Second)
		v.save(t, map[any]any{"count": 2})
		v.clock.advance(time.Second)
		v.save(t, map[any]any{"count": 3})

		t.Run("limit", func(t *testing.T) {
			v.calls.Reset()
			got, more, err := v.store.Sessions(t.Context(), 2)
			if err != nil {
				t.Fatalf("Sessions: %v", err)
			}
			if len(got) != 2 || got[0]["count"] != 3 || got[1]["count"] != 2 || !more {
				t.Errorf("got %v, more=%v; want counts 3 and 2, more=true", got, more)
			}
			if n := v.calls.Total(); n != 1 {
				t.Errorf("got %d Datastore calls, want 1", n)
			}
		})
		t.Run("all", func(t *testing.T) {
			got, more, err := v.store.Sessions(t.Context(), 10)
			if err != nil || len(got) != 3 || more {
				t.Errorf("got %d sessions, more=%v, err %v; want 3, false, nil", len(got), more, err)
			}
		})
		t.Run("expired left out", func(t *testing.T) {
			v.clock.advance(lifetime - 1500*time.Millisecond) // the first has expired, the second not
			got, _, err := v.store.Sessions(t.Context(), 10)
			if err != nil || len(got) != 2 {
				t.Errorf("got %d sessions, err %v; want 2, nil", len(got), err)
			}
		})
	})
}
