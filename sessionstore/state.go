package sessionstore

import (
	"context"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
)

// loadState is what the store knows of a session between New and Save: the
// bytes it read or last wrote (to see whether anything changed) and their
// expiry, or that the read failed. It lives beside the session rather than
// in its Values, where callers iterating over their values would meet it.
type loadState struct {
	data    []byte // encoded values as stored; nil when not stored
	expires time.Time
	failed  bool
}

// loadStates are the load states of one request's sessions. They live in
// the request's context, as gorilla's registry keeps the sessions
// themselves, so they go with the request and need no cleanup of their
// own. Like the registry, they are for one goroutine at a time.
type loadStates map[*sessions.Session]loadState

type loadStatesKey struct{}

// loaded returns what this store recorded of sess on this request (or on
// the request it was derived from): nil for a session it did not load or
// save here. A session whose load failed gives ErrLoadFailed: saving it
// would replace the visitor's real session.
func loaded(r *http.Request, sess *sessions.Session) (*loadState, error) {
	m, _ := r.Context().Value(loadStatesKey{}).(loadStates)
	st, ok := m[sess]
	switch {
	case !ok:
		return nil, nil
	case st.failed:
		return nil, ErrLoadFailed
	}
	return &st, nil
}

// remember records the state of sess on the request, giving the request's
// context a place for it the first time, as sessions.GetRegistry does
// for the registry: the handler's *http.Request then carries it to Save.
func remember(r *http.Request, sess *sessions.Session, st loadState) {
	m, ok := r.Context().Value(loadStatesKey{}).(loadStates)
	if !ok {
		m = loadStates{}
		*r = *r.WithContext(context.WithValue(r.Context(), loadStatesKey{}, m))
	}
	m[sess] = st
}
