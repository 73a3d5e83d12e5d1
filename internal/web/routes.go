package web

import (
	"context"
	"net/http"
	"strings"
)

// route is one route of the HTTP interface (docs/http.md): the pattern
// http.ServeMux takes, the method of Server that handles it, and what the
// tests that cover every route need to know of it.
type route struct {
	pattern string // "METHOD /path", as http.ServeMux takes it
	handle  func(*Server, http.ResponseWriter, *http.Request)
	// answers is what the route answers: pages (HTML only), pages or JSON
	// (with Accept: application/json), or files.
	answers answers
	needs   needs
}

// answers is what a route answers.
type answers int

const (
	pages     answers = iota // HTML pages only: the prose, and /stateless
	pagesJSON                // HTML pages, or JSON when asked for
	files                    // a file or plain text, whatever Accept says
)

// needs is what a route needs besides the request.
type needs int

const (
	// nothing: the route answers without Datastore, even during an outage.
	nothing needs = iota
	// store: the route reads or writes the visitor's session, their
	// race or the class's sessions (or the session keys), so it answers
	// 503 during an outage, to a visitor who has a session at least.
	store
	// cron: the route is a task only App Engine cron may call
	// (X-Appengine-Cron: true; Handler refuses any other caller), and it
	// needs Datastore, with a longer deadline. It writes, although it is
	// a GET.
	cron
)

// method and path are the route's, from its pattern.
func (rt route) method() string { m, _, _ := strings.Cut(rt.pattern, " "); return m }
func (rt route) path() string   { _, p, _ := strings.Cut(rt.pattern, " "); return p }

// routes is every route of the HTTP interface, in the order of
// docs/http.md's table, each with the file of its handler. Handler builds
// the mux from this table alone, and the tests that cover every route
// (GET never writes, cross-origin POSTs refused, 503 during an outage,
// security headers, accessibility, the docs' table) read it too.
var routes = []route{
	{"GET /{$}", (*Server).handleHome, pages, nothing},                        // home.go
	{"GET /lesson", (*Server).handleLesson, pages, nothing},                   // lesson.go
	{"GET /stateless", (*Server).handleStateless, pages, store},               // stateless.go
	{"POST /stateless", (*Server).handleStatelessClick, pages, store},         // stateless.go
	{"GET /counter", (*Server).handleCounter, pagesJSON, store},               // counter.go
	{"POST /counter", (*Server).handleClick, pagesJSON, store},                // counter.go
	{"GET /mastermind", (*Server).handleGame, pagesJSON, store},               // game.go
	{"POST /mastermind/guess", (*Server).handleGuess, pagesJSON, store},       // game.go
	{"POST /mastermind/new", (*Server).handleNewGame, pagesJSON, store},       // game.go
	{"GET /mastermind/hint", (*Server).handleHint, pagesJSON, store},          // game.go
	{"GET /race", (*Server).handleRacePage, pagesJSON, store},                 // race.go
	{"POST /race", (*Server).handleRace, pagesJSON, store},                    // race.go
	{"POST /race/reset", (*Server).handleRaceReset, pagesJSON, store},         // race.go
	{"POST /race/naive", (*Server).handleRaceNaive, pagesJSON, store},         // race.go
	{"POST /race/atomic", (*Server).handleRaceAtomic, pagesJSON, store},       // race.go
	{"GET /class", (*Server).handleClass, pagesJSON, store},                   // class.go
	{"POST /session/end", (*Server).handleEndSession, pagesJSON, store},       // session.go
	{"GET /tasks/cleanup-sessions", (*Server).handleCleanup, pagesJSON, cron}, // session.go
	{"GET /_ah/warmup", (*Server).handleWarmup, files, store},                 // session.go
	{"GET /static/{file}", (*Server).handleStatic, files, nothing},            // render.go
}

// Handler returns the server's handler: every route of the table above,
// behind the middleware every request goes through (middleware.go).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) {
			d := s.cfg.reqTimeout
			if rt.needs == cron {
				// App Engine strips X-Appengine-Cron from requests that
				// come from outside, so the header proves the caller.
				if r.Header.Get("X-Appengine-Cron") != "true" {
					s.fail(w, r, errNotCron)
					return
				}
				d = cleanupTimeout
			}
			// The route's Datastore work is bounded; past the deadline
			// it answers 503.
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			rt.handle(s, w, r.WithContext(ctx))
		})
	}
	return s.middleware(mux)
}
