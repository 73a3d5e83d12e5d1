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
// meanwhile alone. Values changed in this request are not saved: use Save
// or Update for those. With WriteGob set, a session stored in the plain
// format is also written again at once, as gob, with the values it had.
func (s *Store) Renew(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	st := s.loaded.get(sess)
	if st.failed {
		return ErrLoadFailed
	}
	if st.data == nil || sess.ID == "" || sess.Options.MaxAge < 0 {
		return nil
	}
	now := s.now()
	lifetime := s.lifetime(sess.Options)
	outdated := s.outdated(st.data)
	if !renewalDue(st.expires, lifetime, now) && !outdated {
		return nil
	}
	expires := now.Add(lifetime)
	data := st.data
	if outdated {
		// The values as read, not as this request may have changed them,
		// in the format WriteGob asks for.
		values, err := decodeValues(st.data)
		if err == nil {
			data, err = encodeValues(values, true)
		}
		if err != nil {
			return err
		}
	}
	if err := s.renew(r.Context(), sess.ID, st.data, data, expires); err != nil {
		return err
	}
	s.loaded.set(sess, &loadState{data: data, expires: expires})
	return s.setCookie(w, sess)
}
