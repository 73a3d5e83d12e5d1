// Package dsexpire deletes the Datastore entities of one kind whose
// "expires" property has passed: the sessions of package sessionstore and
// the races of package race, which both keep their expiry there, indexed.
package dsexpire

import (
	"context"
	"time"

	"cloud.google.com/go/datastore"
)

// Batch is how many entities one query finds and one commit deletes:
// Datastore's limit of mutations in a commit.
const Batch = 500

// Delete deletes the entities of kind in namespace whose "expires" is
// before now, in batches of 500, until none is left, limit are deleted
// (limit <= 0: no limit) or ctx ends. Each batch's query and commit are
// bounded by timeout (zero: by ctx alone). It returns how many it deleted,
// also when it stops on an error, which is Datastore's, unwrapped.
//
// The query filters on the single property "expires", which Datastore's
// built-in indexes serve: no composite index is needed.
func Delete(ctx context.Context, client *datastore.Client, kind, namespace string, now time.Time, limit int, timeout time.Duration) (int, error) {
	deleted := 0
	for limit <= 0 || deleted < limit {
		n := Batch
		if limit > 0 {
			n = min(n, limit-deleted)
		}
		q := datastore.NewQuery(kind).Namespace(namespace).
			FilterField("expires", "<", now).KeysOnly().Limit(n)
		cctx, cancel := ctx, context.CancelFunc(func() {})
		if timeout > 0 {
			cctx, cancel = context.WithTimeout(ctx, timeout)
		}
		keys, err := client.GetAll(cctx, q, nil)
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
