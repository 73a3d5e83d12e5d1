package sessionstore

import (
	"context"

	"cloud.google.com/go/datastore"
)

// cleanupBatch is how many sessions one query finds and one commit deletes:
// Datastore's limit of mutations in a commit.
const cleanupBatch = 500

// DeleteExpired deletes sessions whose expiry has passed, in batches of 500,
// until none is left, limit sessions are deleted (limit <= 0: no limit) or
// ctx ends. It returns how many it deleted, also when it stops on an error.
//
// Expired sessions are already invisible to Get and Update; this only frees
// their storage. A Datastore TTL policy on the "expires" property does the
// same without a cron job; running both is harmless.
func (s *Store) DeleteExpired(ctx context.Context, limit int) (int, error) {
	deleted := 0
	for limit <= 0 || deleted < limit {
		batch := cleanupBatch
		if limit > 0 {
			batch = min(batch, limit-deleted)
		}
		q := datastore.NewQuery(s.Kind).Namespace(s.Namespace).
			FilterField("expires", "<", s.now()).KeysOnly().Limit(batch)
		cctx, cancel := s.callContext(ctx)
		keys, err := s.client.GetAll(cctx, q, nil)
		if err == nil && len(keys) > 0 {
			err = s.client.DeleteMulti(cctx, keys)
		}
		cancel()
		if err != nil {
			return deleted, wrap("delete expired sessions", err)
		}
		deleted += len(keys)
		if len(keys) < batch {
			break
		}
	}
	return deleted, nil
}
