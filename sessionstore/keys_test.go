package sessionstore_test

import (
	"bytes"
	"maps"
	"sync"
	"testing"

	"cloud.google.com/go/datastore"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// Instances that start together end up with the same key; once it exists,
// it is read without a transaction, which would commit: an app may load
// the keys on a request that must write nothing.
func TestLoadOrCreateKeys(t *testing.T) {
	const instances = 4
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		key := datastore.NameKey("SessionKeys", "default", nil)
		key.Namespace = dstest.Namespace(t)
		got := make([][][]byte, instances+1) // the last: a call once the key exists
		errs := make([]error, instances+1)
		var wg sync.WaitGroup
		for i := range instances {
			client, _ := e.Client(t) // one client per instance
			wg.Go(func() { got[i], errs[i] = sessionstore.LoadOrCreateKeys(t.Context(), client, key) })
		}
		wg.Wait()
		client, calls := e.Client(t)
		got[instances], errs[instances] = sessionstore.LoadOrCreateKeys(t.Context(), client, key)
		for i, pair := range got {
			if errs[i] != nil {
				t.Fatalf("call %d: %v", i, errs[i])
			}
			if len(pair) != 2 || len(pair[0]) != sessionstore.KeyLength || pair[1] != nil || !bytes.Equal(pair[0], got[0][0]) {
				t.Errorf("call %d: got %d parts, want the one key pair [%d-byte key, nil] of the first", i, len(pair), sessionstore.KeyLength)
			}
		}
		if got, want := calls.Calls(), map[string]int{"Lookup": 1}; !maps.Equal(got, want) {
			t.Errorf("existing keys: got calls %v, want %v", got, want)
		}
	})
}
