package sessionstore

import (
	"context"

	"github.com/gae-lessons/sessions-go/internal/dskit"
)

// DeleteExpired deletes sessions whose expiry has passed, in batches of 500,
// until none is left, limit sessions are deleted (limit <= 0: no limit) or
// ctx ends. It returns how many it deleted, also when it stops on an error.
//
// Expired sessions are already invisible to Get and Update; this only frees
// their storage. A Datastore TTL policy on the "expires" property does the
// same without a cron job; running both is harmless.
func (s *Store) DeleteExpired(ctx context.Context, limit int) (int, error) {
	n, err := dskit.DeleteExpired(ctx, s.client, s.Kind, s.Namespace, s.now(), limit, s.Timeout)
	return n, wrap("delete expired sessions", err)
}
