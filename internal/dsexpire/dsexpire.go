// Package dsexpire deletes the Datastore entities of one kind whose
// "expires" property has passed: the sessions of package sessionstore and
// the races of package race, which both keep their expiry there, indexed.
package dsexpire

import (
	"context"
	"errors"
	"time"

	"cloud.google.com/go/datastore"
)

// Batch is how many entities one query finds and one commit deletes:
// Datastore's limit of mutations in a commit.
const Batch = 500

// Query names the entities to clean up.
type Query struct {
	Kind, Namespace string
	// Recheck deletes each batch in a transaction that reads it again and
	// keeps the entities whose expiry moved since the query: for a kind
	// whose keys are used again (a race, named by its session).
	Recheck bool
}

// Delete deletes q's entities whose "expires" is before now, in batches of
// 500, until none is left, limit are deleted (limit <= 0: no limit) or ctx
// ends. Each batch's query and commit are bounded by timeout (zero: by ctx
// alone). It returns how many it deleted, also when it stops on an error,
// which is Datastore's, unwrapped.
//
// The query filters on the single property "expires", which Datastore's
// built-in indexes serve: no composite index is needed.
func Delete(ctx context.Context, client *datastore.Client, q Query, now time.Time, limit int, timeout time.Duration) (int, error) {
	deleted := 0
	for limit <= 0 || deleted < limit {
		n := Batch
		if limit > 0 {
			n = min(n, limit-deleted)
		}
		query := datastore.NewQuery(q.Kind).Namespace(q.Namespace).
			FilterField("expires", "<", now).KeysOnly().Limit(n)
		cctx, cancel := ctx, context.CancelFunc(func() {})
		if timeout > 0 {
			cctx, cancel = context.WithTimeout(ctx, timeout)
		}
		keys, err := client.GetAll(cctx, query, nil)
		found := len(keys)
		if err == nil && found > 0 {
			if q.Recheck {
				keys, err = deleteStillExpired(cctx, client, keys, now)
			} else {
				err = client.DeleteMulti(cctx, keys)
			}
		}
		cancel()
		if err != nil {
			return deleted, err
		}
		deleted += len(keys)
		if found < n {
			break
		}
	}
	return deleted, nil
}

// deleteStillExpired deletes, in one transaction, those of keys whose
// entity still expires before now, and returns them.
func deleteStillExpired(ctx context.Context, client *datastore.Client, keys []*datastore.Key, now time.Time) ([]*datastore.Key, error) {
	var gone []*datastore.Key
	_, err := client.RunInTransaction(ctx, func(tx *datastore.Transaction) error {
		ents := make([]Expiry, len(keys))
		err := tx.GetMulti(keys, ents)
		multi, _ := err.(datastore.MultiError)
		if err != nil && multi == nil {
			return err
		}
		gone = gone[:0]
		for i, k := range keys {
			if multi != nil && multi[i] != nil {
				continue // deleted meanwhile, or unreadable: left alone
			}
			if ents[i].Expires.Before(now) {
				gone = append(gone, k)
			}
		}
		return tx.DeleteMulti(gone)
	})
	return gone, err
}

// Expiry reads the "expires" property of an entity, whatever else it
// has, and writes nothing else: for reading a session's expiry without its
// values (package race), or an entity's before deleting it.
type Expiry struct{ Expires time.Time }

// Load takes the "expires" property and skips every other.
func (e *Expiry) Load(props []datastore.Property) error {
	for _, p := range props {
		if t, ok := p.Value.(time.Time); ok && p.Name == "expires" {
			e.Expires = t
		}
	}
	return nil
}

// Save refuses: an Expiry is only ever read, and writing it would drop
// every other property of the entity.
func (e *Expiry) Save() ([]datastore.Property, error) {
	return nil, errors.New("dsexpire: an Expiry is read, never written")
}
