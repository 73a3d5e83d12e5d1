package sessionstore

import (
	"context"

	"cloud.google.com/go/datastore"

	"github.com/gae-lessons/sessions-go/internal/dskit"
)

// Sessions returns the decoded values of at most limit live sessions, those
// that expire last (the most recently written), in one query; more reports
// that further live sessions exist beyond them. It is for an overview of
// many sessions, such as a count: it costs one query that reads up to
// limit+1 entities, however many sessions the store holds.
//
// The query filters and orders on the single property "expires", which
// Datastore's built-in indexes serve: no composite index is needed. A
// session whose values do not decode (corrupt, or written by a newer
// version) is left out; Get starts such a session afresh too.
func (s *Store) Sessions(ctx context.Context, limit int) (values []map[any]any, more bool, err error) {
	if limit <= 0 {
		return nil, false, nil
	}
	q := datastore.NewQuery(s.Kind).Namespace(s.Namespace).
		FilterField("expires", ">", s.now()).Order("-expires").Limit(limit + 1)
	cctx, cancel := dskit.CallContext(ctx, s.Timeout)
	defer cancel()
	var ents []entity
	if _, err := s.client.GetAll(cctx, q, &ents); err != nil {
		return nil, false, wrap("list sessions", err)
	}
	if len(ents) > limit {
		ents, more = ents[:limit], true
	}
	values = make([]map[any]any, 0, len(ents))
	for _, e := range ents {
		v, err := decodeValues(e.Values)
		if err != nil {
			continue
		}
		values = append(values, v)
	}
	return values, more, nil
}
