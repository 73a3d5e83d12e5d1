package sessionstore

import (
	"net/http"

	"cloud.google.com/go/datastore"
	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/internal/dskit"
)

// RotateID gives a stored session a new id, keeping its values, deletes the
// entity under the old id and sends the new cookie: call it when a visitor's
// privileges change (signing in, for one), so that an id planted or seen
// before cannot follow them (session fixation). The new entity and the
// deletion of the old one go to Datastore in one commit.
//
// A session that was never stored has no id to protect; RotateID leaves it
// to Save, which gives it a new id when it is first stored.
func (s *Store) RotateID(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	st, err := loaded(r, sess)
	if err != nil {
		return err
	}
	if !s.beforeSave(sess, st).stored {
		sess.ID = ""
		return nil
	}
	data, err := s.encode(sess)
	if err != nil {
		return err
	}
	id, err := newID()
	if err != nil {
		return err
	}
	expires := s.now().Add(s.lifetime(sess.Options))
	ctx, cancel := dskit.CallContext(r.Context(), s.Timeout)
	defer cancel()
	_, err = s.client.Mutate(ctx,
		datastore.NewInsert(s.key(id), &entity{Values: data, Expires: expires}),
		datastore.NewDelete(s.key(sess.ID)))
	if err != nil {
		return wrap("rotate session id", err)
	}
	sess.ID = id
	return s.stored(r, w, sess, loadState{data: data, expires: expires})
}
