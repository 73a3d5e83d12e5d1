package web

import "net/http"

// Handler returns the server's handler: every route of the HTTP interface
// (docs/http.md), behind the middleware every request goes through.
func (s *Server) Handler() http.Handler {
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
