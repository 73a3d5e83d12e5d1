package sessionstore

import (
	"net/http"

	"github.com/gorilla/sessions"
)

// Renew pushes back the expiry of a stored session that the request only
// read, once renewal is due (a tenth of the lifetime after the last write),
// and sends the renewed cookie; otherwise it does nothing at all. It is the
// cheap alternative to Save for handlers that never change the session:
// it neither encodes the values nor compares them, and it writes back the
// bytes as they were read, in a transaction that leaves a session changed
// meanwhile alone. Values changed in this request are not saved, and a
// session is not ended: use Save or Update for those.
func (s *Store) Renew(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	st, err := loaded(r, sess)
	if err != nil {
		return err
	}
	// The values as read, unchanged by definition: Renew saves no change.
	in := s.beforeSave(sess, st)
	now := s.now()
	if decide(in, now) != renew {
		return nil
	}
	return s.renew(r, w, sess, st.data, now.Add(in.lifetime))
}
