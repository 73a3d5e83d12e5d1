package web

import (
	"errors"
	"fmt"
	"net/http"

	"cloud.google.com/go/datastore"

	"github.com/gae-lessons/sessions-go/sessionstore"
)

// cleanupLimit bounds one cron run; the next run deletes the rest.
const cleanupLimit = 100_000

// handleEndSession ends the visitor's session: the entity is deleted and the
// cookie cleared, so replaying the old cookie finds nothing. A race is no
// part of the session, so it is left as it is.
func (s *Server) handleEndSession(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sess.Options.MaxAge = -1
	if err := sess.Save(r, w); err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, "/", map[string]bool{"ended": true})
}

// handleCleanup deletes expired sessions and races; App Engine cron calls it
// (its route is a cron route: Handler has checked the caller).
func (s *Server) handleCleanup(w http.ResponseWriter, r *http.Request) {
	st, err := s.store(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, err := st.DeleteExpired(r.Context(), cleanupLimit)
	races := 0
	if err == nil {
		races, err = s.races.DeleteExpired(r.Context(), cleanupLimit)
	}
	if err != nil {
		// What was deleted stays deleted; the next run does the rest.
		if !clientGone(r) {
			s.log.ErrorContext(r.Context(), "cleanup of expired sessions failed", "deleted", n, "races", races, "error", err)
		}
		s.fail(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "deleted expired sessions", "deleted", n, "races", races)
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]int{"deleted": n, "races": races})
		return
	}
	s.renderPage(w, r, http.StatusOK, "cleanup", cleanupPage{Deleted: n, Races: races})
}

type cleanupPage struct {
	pageData
	Deleted int // sessions
	Races   int
}

// handleWarmup prepares an instance before App Engine sends it traffic: the
// Datastore connection and the session keys.
func (s *Server) handleWarmup(w http.ResponseWriter, r *http.Request) {
	if _, err := s.store(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	// With SESSION_KEYS set, the store needed no Datastore call: make one,
	// so the connection is open before the first visitor.
	var probe struct{}
	err := s.client.Get(r.Context(), datastore.NameKey("Warmup", "probe", nil), &probe)
	if err != nil && !errors.Is(err, datastore.ErrNoSuchEntity) {
		s.fail(w, r, fmt.Errorf("warmup: %w: %w", sessionstore.ErrUnavailable, err))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("warm\n"))
}
