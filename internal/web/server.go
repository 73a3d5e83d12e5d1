// Package web is the lesson's HTTP interface (docs/http.md): every page and
// form, the middleware every request goes through, the one mapping from
// errors to statuses, rendering, and the "What is in my session" panel.
//
// A Server's methods are the handlers; routes.go lists them. Nothing about a
// visitor is kept in the Server: it all lives in the visitor's session, in
// Datastore, through package sessionstore (and a race's counts in a record
// of their own, through package race). The Server holds only what no
// visitor owns: how many races it runs (raceSlots), and /class's figures for a few
// seconds (classFigures).
package web

import (
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"cloud.google.com/go/datastore"
	"github.com/gorilla/sessions"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"

	"github.com/gae-lessons/sessions-go/internal/markdown"
	"github.com/gae-lessons/sessions-go/internal/race"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

const (
	// localCookieName names the session cookie over plain HTTP (make run).
	localCookieName = "session"
	// hostCookieName names it where the cookie is Secure (App Engine). A
	// browser keeps a __Host- cookie only if it is Secure, has Path=/ and
	// no Domain, and was set over HTTPS: only this very host can set it, so
	// a sibling subdomain cannot plant a session cookie of its own here.
	hostCookieName = "__Host-session"
	// requestTimeout bounds each request's Datastore work, so a slow or
	// absent Datastore is a 503 well within the contract's 10 seconds.
	requestTimeout = 8 * time.Second
	// StoreCallTimeout bounds one Datastore call or transaction.
	StoreCallTimeout = 4 * time.Second
	// cleanupTimeout bounds the cleanup cron, which App Engine lets run
	// for up to 10 minutes.
	cleanupTimeout = 5 * time.Minute
	// maxBody is the largest request body read.
	maxBody = 64 << 10
	// retryAfter is the Retry-After of a 503, in seconds.
	retryAfter = "5"
	// raceRetryAfter is the Retry-After of a 429 from POST /race, in
	// seconds: a race takes about one on the emulator.
	raceRetryAfter = "2"
)

// DatastoreOptions are the options of the server's Datastore client, which
// the load benchmark's bare calls use too.
//
// Telemetry is off: the client's tracing cost about 3% of the server's CPU
// in the load benchmark, for spans nobody collects here.
//
// Calls fail fast: the Datastore client's service config makes every call
// wait for a connection (waitForReady) until its deadline, so a Datastore
// that refuses connections answered 503 only after the store's 4 s.
// Without the wait, a call fails with Unavailable once gRPC knows the
// connection failed, after the 5 attempts that the same service config
// gives Unavailable calls (0.1 s back-off, x1.3): about 0.6 s, which also
// rides out a shorter blip. A call made while a connection is being opened
// still waits for that attempt, so a first call and a slow Datastore are
// unaffected.
//
// Reconnection attempts are at most about a second apart. gRPC's default
// back-off grows to 2 minutes: after a 30-s outage, the first request was
// served 13 s after Datastore's return. MinConnectTimeout must be set with
// the back-off (zero would end every attempt after its back-off); it is
// gRPC's default.
var DatastoreOptions = []option.ClientOption{
	option.WithTelemetryDisabled(),
	option.WithGRPCDialOption(grpc.WithDefaultCallOptions(grpc.WaitForReady(false))),
	option.WithGRPCDialOption(grpc.WithConnectParams(grpc.ConnectParams{
		Backoff: backoff.Config{
			BaseDelay:  250 * time.Millisecond,
			Multiplier: 1.6,
			Jitter:     0.2,
			MaxDelay:   time.Second,
		},
		MinConnectTimeout: 20 * time.Second,
	})),
}

// Config is what the handlers take from the environment.
type Config struct {
	// SessionKeys are sessionstore key pairs (signing key, encryption key),
	// newest first. Empty: one key is generated once and kept in Datastore
	// (kind SessionKeys), shared by every instance.
	SessionKeys [][]byte
	// MaxAge is the session lifetime in seconds, enforced on the server.
	MaxAge int
	// Secure marks the cookie Secure (HTTPS only) and sends
	// Strict-Transport-Security with every answer, as on App Engine.
	Secure bool
	// CookieName names the session cookie. Empty: "__Host-session" when
	// Secure, "session" otherwise. A "__Host-" name without Secure is
	// refused, since browsers would drop every such cookie.
	CookieName string
	// Namespace is the Datastore namespace of sessions and keys; tests set
	// it so that they share nothing.
	Namespace string
	// NoClassView removes the instructor's screen, /class (CLASS_VIEW=off):
	// it shows counts over every visitor, which a deployment may not want.
	NoClassView bool
	// reqTimeout and callTimeout bound a request's Datastore work and one
	// Datastore call. Zero: requestTimeout and StoreCallTimeout; the outage
	// tests set shorter ones.
	reqTimeout, callTimeout time.Duration
}

// Server holds what the handlers share: settings, the Datastore client,
// the parsed pages and the embedded files.
type Server struct {
	cfg    Config
	client *datastore.Client
	log    *slog.Logger
	pages  map[string]*template.Template
	static fs.FS        // static/, served under /static/
	lesson markdown.Doc // docs/lesson.md, rendered once

	// built is the session store once it is built: on the first request
	// (or warmup), because keys may have to come from Datastore, which may
	// not answer at start. building is a lock that a waiting request can
	// give up on when its context ends.
	built    atomic.Pointer[sessionstore.Store]
	building chan struct{}

	races     *race.Store   // the race records (race.go)
	raceSlots chan struct{} // POST /race's bound: a slot per race running (race.go)
	class     classFigures
	lanIP     func() net.IP // this machine's LAN address, for /class (class.go)
}

// New returns a Server whose pages, static files and lesson come from
// assets: templates/*.html, static/ and docs/lesson.md, as the repository
// lays them out (main embeds them). An error means assets are not those,
// or cfg names a __Host- cookie without Secure.
func New(cfg Config, client *datastore.Client, logger *slog.Logger, assets fs.FS) (*Server, error) {
	if err := cfg.decideCookieName(); err != nil {
		return nil, err
	}
	if cfg.reqTimeout == 0 {
		cfg.reqTimeout = requestTimeout
	}
	if cfg.callTimeout == 0 {
		cfg.callTimeout = StoreCallTimeout
	}
	pages, err := parsePages(assets)
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	static, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	lesson, err := readLesson(assets)
	if err != nil {
		return nil, fmt.Errorf("web: lesson: %w", err)
	}
	return &Server{
		cfg:       cfg,
		client:    client,
		log:       logger,
		pages:     pages,
		static:    static,
		lesson:    lesson,
		building:  make(chan struct{}, 1),
		raceSlots: make(chan struct{}, racesAtOnce),
		races:     &race.Store{Client: client, Namespace: cfg.Namespace, Timeout: cfg.callTimeout},
		class:     classFigures{maxAge: classRefresh},
		lanIP:     lanIPv4,
	}, nil
}

// decideCookieName is the one place the cookie's name is decided: from
// Secure, unless the configuration names it.
func (c *Config) decideCookieName() error {
	switch {
	case c.CookieName == "" && c.Secure:
		c.CookieName = hostCookieName
	case c.CookieName == "":
		c.CookieName = localCookieName
	case strings.HasPrefix(c.CookieName, "__Host-") && !c.Secure:
		return fmt.Errorf("web: cookie name %q needs Secure: browsers keep a __Host- cookie only over HTTPS", c.CookieName)
	}
	return nil
}

// cookieName returns the name of the session cookie; every reader of the
// cookie asks here.
func (s *Server) cookieName() string { return s.cfg.CookieName }

// store returns the session store, building it on first use. Callers wait
// at most until ctx ends.
func (s *Server) store(ctx context.Context) (*sessionstore.Store, error) {
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
	keys := s.cfg.SessionKeys
	if len(keys) == 0 {
		var err error
		// Generated keys are kept in Datastore, so every instance signs and
		// verifies with the same ones.
		k := datastore.NameKey("SessionKeys", "default", nil)
		k.Namespace = s.cfg.Namespace
		if keys, err = sessionstore.LoadOrCreateKeys(ctx, s.client, k); err != nil {
			return nil, err
		}
	}
	st := sessionstore.NewStore(s.client, keys...)
	st.Namespace = s.cfg.Namespace
	st.MaxAge(s.cfg.MaxAge)
	st.Options.Secure = s.cfg.Secure
	st.Timeout = s.cfg.callTimeout
	st.Logger = s.log
	s.built.Store(st)
	return st, nil
}

// session returns the visitor's session for reading. Reading saves
// nothing, not even to push the expiry back (Store.Renew): a GET or HEAD
// never writes (docs/http.md), so a session's expiry moves only when a
// POST writes it.
func (s *Server) session(r *http.Request) (*sessions.Session, error) {
	st, err := s.store(r.Context())
	if err != nil {
		return nil, err
	}
	return st.Get(r, s.cookieName())
}

// update changes the visitor's session atomically (see Store.Update).
func (s *Server) update(w http.ResponseWriter, r *http.Request, fn func(*sessions.Session) error) (*sessions.Session, error) {
	st, err := s.store(r.Context())
	if err != nil {
		return nil, err
	}
	return st.Update(r, w, s.cookieName(), fn)
}
