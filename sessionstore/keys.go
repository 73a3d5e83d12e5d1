package sessionstore

import (
	"context"
	"crypto/rand"
	"errors"

	"cloud.google.com/go/datastore"

	"github.com/gae-lessons/sessions-go/internal/dskit"
)

// keyLength is the length of the signing keys LoadOrCreateKeys makes.
const keyLength = 32

// keyAttempts is how many times instances that start together may each
// try to create the keys: on the Firestore emulator, racing transactions on
// one entity mostly abort one another until one is left alone.
const keyAttempts = 10

// storedKeys is the entity that keeps generated signing keys.
type storedKeys struct {
	Keys [][]byte `datastore:"keys,noindex"`
}

// LoadOrCreateKeys returns the signing keys kept in Datastore under key,
// creating one random key first if there is none. Keys that exist cost one
// lookup and no write, so an app may load them on a request that must not
// write. Creation runs in a transaction, so instances that start together
// all end up with the same keys. It suits apps that have no secret
// configuration: the keys never leave Datastore. The result is in
// NewStore's keyPairs form (each key followed by a nil encryption key).
func LoadOrCreateKeys(ctx context.Context, client *datastore.Client, key *datastore.Key) ([][]byte, error) {
	var got storedKeys
	// A transaction commits even when it only reads: look first.
	err := client.Get(ctx, key, &got)
	if err == nil && len(got.Keys) > 0 {
		return keyPairs(got.Keys), nil
	}
	if err != nil && !errors.Is(err, datastore.ErrNoSuchEntity) {
		return nil, wrap("load signing keys", err)
	}
	_, err = client.RunInTransaction(ctx, func(tx *datastore.Transaction) error {
		got = storedKeys{} // nothing of an attempt that lost
		err := tx.Get(key, &got)
		if err == nil && len(got.Keys) > 0 {
			return nil
		}
		if err != nil && !errors.Is(err, datastore.ErrNoSuchEntity) {
			return err
		}
		k := make([]byte, keyLength)
		if _, err := rand.Read(k); err != nil {
			return err
		}
		got = storedKeys{Keys: [][]byte{k}}
		_, err = tx.Put(key, &got)
		return err
	}, datastore.MaxAttempts(keyAttempts))
	if dskit.Contention(err) {
		// This instance's attempts all lost the race to create the keys:
		// read those of the one that won, if it has committed by now.
		got = storedKeys{}
		if err2 := client.Get(ctx, key, &got); err2 == nil && len(got.Keys) > 0 {
			return keyPairs(got.Keys), nil
		}
	}
	if err != nil {
		return nil, wrap("load or create signing keys", err)
	}
	return keyPairs(got.Keys), nil
}

// keyPairs gives each signing key a nil encryption key.
func keyPairs(keys [][]byte) [][]byte {
	pairs := make([][]byte, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, k, nil)
	}
	return pairs
}
