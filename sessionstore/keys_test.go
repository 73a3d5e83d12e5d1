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

func TestLoadOrCreateKeys_instancesStartingTogetherAgree(t *testing.T) {
	const instances = 4
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		key := datastore.NameKey("SessionKeys", "default", nil)
		key.Namespace = dstest.Namespace(t)
		got := make([][][]byte, instances)
		errs := make([]error, instances)
		var wg sync.WaitGroup
		for i := range instances {
			client, _ := e.Client(t) // one client per instance
			wg.Go(func() { got[i], errs[i] = sessionstore.LoadOrCreateKeys(t.Context(), client, key) })
		}
		wg.Wait()
		for i := range instances {
			if errs[i] != nil {
				t.Fatalf("instance %d: %v", i, errs[i])
			}
			if len(got[i]) != 2 || len(got[i][0]) != sessionstore.KeyLength || got[i][1] != nil {
				t.Fatalf("instance %d: got %d parts, want one key pair [%d-byte key, nil]", i, len(got[i]), sessionstore.KeyLength)
			}
			if !bytes.Equal(got[i][0], got[0][0]) {
				t.Errorf("instance %d got a different key from instance 0", i)
			}
		}
	})
}

// Keys that exist are read without a transaction, which would commit: an
// app may load them on a request that must write nothing.
func TestLoadOrCreateKeys_existingKeysCostOneLookup(t *testing.T) {
	dstest.Each(t, func(t *testing.T, e *dstest.Emulator) {
		key := datastore.NameKey("SessionKeys", "default", nil)
		key.Namespace = dstest.Namespace(t)
		client, calls := e.Client(t)
		created, err := sessionstore.LoadOrCreateKeys(t.Context(), client, key)
		if err != nil {
			t.Fatal(err)
		}
		calls.Reset()
		got, err := sessionstore.LoadOrCreateKeys(t.Context(), client, key)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || !bytes.Equal(got[0], created[0]) || got[1] != nil {
			t.Errorf("got %d parts, want the created key pair again", len(got))
		}
		if got, want := calls.Calls(), map[string]int{"Lookup": 1}; !maps.Equal(got, want) {
			t.Errorf("got calls %v, want %v", got, want)
		}
	})
}
