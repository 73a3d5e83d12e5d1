package main

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"cloud.google.com/go/datastore"
	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/sessionstore"
)

const (
	// cookieName names the one session cookie every visitor gets.
	cookieName = "session"
	// requestTimeout bounds each request's Datastore work, so a slow or
	// absent Datastore is a 503 well within the contract's 10 seconds.
	requestTimeout = 8 * time.Second
	// storeCallTimeout bounds one Datastore call or transaction.
	storeCallTimeout = 4 * time.Second
	// cleanupTimeout bounds the cleanup cron, which App Engine lets run
	// for up to 10 minutes.
	cleanupTimeout = 5 * time.Minute
	// maxBody is the largest request body read.
	maxBody = 64 << 10
	// retryAfter is the Retry-After of a 503, in seconds.
	retryAfter = "5"
)

// server holds what the handlers share. Nothing about a visitor is kept
// here: it all lives in the session, in Datastore.
type server struct {
	cfg    config
	client *datastore.Client
	log    *slog.Logger
	pages  map[string]*template.Template

	// built is the session store once it is built: on the first request
	// (or warmup), because keys may have to come from Datastore, which may
	// not answer at start. building is a lock that a waiting request can
	// give up on when its context ends.
	built    atomic.Pointer[sessionstore.Store]
	building chan struct{}
}

func newServer(cfg config, client *datastore.Client, logger *slog.Logger) *server {
	s := &server{
		cfg:      cfg,
		client:   client,
		log:      logger,
		pages:    parsePages(),
		building: make(chan struct{}, 1),
	}
	return s
}

// store returns the session store, building it on first use. Callers wait
// at most until ctx ends.
func (s *server) store(ctx context.Context) (*sessionstore.Store, error) {
	if st := s.built.Load(); st != nil {
		return st, nil
	}
	select {
	case s.building <- struct{}{}:
		defer func() { <-s.building }()
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for session store: %w: %w", sessionstore.ErrUnavailable, ctx.Err())
	}
	if st := s.built.Load(); st != nil {
		return st, nil // built while this request waited
	}
	keys := s.cfg.sessionKeys
	if len(keys) == 0 {
		var err error
		// Generated keys are kept in Datastore, so every instance signs and
		// verifies with the same ones.
		k := datastore.NameKey("SessionKeys", "default", nil)
		k.Namespace = s.cfg.namespace
		if keys, err = sessionstore.LoadOrCreateKeys(ctx, s.client, k); err != nil {
			return nil, err
		}
	}
	st := sessionstore.NewStore(s.client, keys...)
	st.Namespace = s.cfg.namespace
	st.MaxAge(s.cfg.maxAge)
	st.Options.Secure = s.cfg.onAppEngine
	st.Timeout = storeCallTimeout
	st.Logger = s.log
	s.built.Store(st)
	return st, nil
}

// session returns the visitor's session for reading.
func (s *server) session(r *http.Request) (*sessions.Session, error) {
	st, err := s.store(r.Context())
	if err != nil {
		return nil, err
	}
	return st.Get(r, cookieName)
}

// update changes the visitor's session atomically (see Store.Update).
func (s *server) update(w http.ResponseWriter, r *http.Request, fn func(*sessions.Session) error) (*sessions.Session, error) {
	st, err := s.store(r.Context())
	if err != nil {
		return nil, err
	}
	return st.Update(r, w, cookieName, fn)
}

// keep renews a session that was only read, which costs nothing until its
// expiry is due for renewal. A failed renewal does not fail the page that
// was read: it is logged, and the next visit renews.
func (s *server) keep(w http.ResponseWriter, r *http.Request, sess *sessions.Session) {
	st, err := s.store(r.Context())
	if err == nil {
		err = st.Renew(r, w, sess)
	}
	if err != nil {
		s.log.WarnContext(r.Context(), "session renewal failed", "error", err)
	}
}

// routes returns the server's handler: every route of the HTTP contract,
// behind the middleware every request goes through.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handleHome)
	mux.HandleFunc("GET /lesson", s.handleLesson)
	mux.HandleFunc("GET /stateless", s.handleStateless)
	mux.HandleFunc("POST /stateless", s.handleStatelessClick)
	mux.HandleFunc("GET /counter", s.handleCounter)
	mux.HandleFunc("POST /counter", s.handleClick)
	mux.HandleFunc("GET /mastermind", s.handleGame)
	mux.HandleFunc("POST /mastermind/guess", s.handleGuess)
	mux.HandleFunc("POST /mastermind/new", s.handleNewGame)
	mux.HandleFunc("GET /mastermind/hint", s.handleHint)
	mux.HandleFunc("POST /session/end", s.handleEndSession)
	mux.HandleFunc("GET /tasks/cleanup-sessions", s.handleCleanup)
	mux.HandleFunc("GET /_ah/warmup", s.handleWarmup)
	mux.HandleFunc("GET /static/{file}", s.handleStatic)
	return s.middleware(mux)
}
