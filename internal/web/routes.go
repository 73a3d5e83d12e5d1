package web

import "net/http"

// Handler returns the server's handler: every route of the HTTP interface
// (docs/http.md), behind the middleware every request goes through
// (middleware.go). Each line names the route's handler and the file that
// holds it.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handleHome)                       // home.go
	mux.HandleFunc("GET /lesson", s.handleLesson)                  // lesson.go
	mux.HandleFunc("GET /stateless", s.handleStateless)            // stateless.go
	mux.HandleFunc("POST /stateless", s.handleStatelessClick)      // stateless.go
	mux.HandleFunc("GET /counter", s.handleCounter)                // counter.go
	mux.HandleFunc("POST /counter", s.handleClick)                 // counter.go
	mux.HandleFunc("GET /mastermind", s.handleGame)                // game.go
	mux.HandleFunc("POST /mastermind/guess", s.handleGuess)        // game.go
	mux.HandleFunc("POST /mastermind/new", s.handleNewGame)        // game.go
	mux.HandleFunc("GET /mastermind/hint", s.handleHint)           // game.go
	mux.HandleFunc("GET /race", s.handleRacePage)                  // race.go
	mux.HandleFunc("POST /race", s.handleRace)                     // race.go
	mux.HandleFunc("POST /race/reset", s.handleRaceReset)          // race.go
	mux.HandleFunc("POST /race/naive", s.handleRaceNaive)          // race.go
	mux.HandleFunc("POST /race/atomic", s.handleRaceAtomic)        // race.go
	mux.HandleFunc("GET /class", s.handleClass)                    // class.go
	mux.HandleFunc("POST /session/end", s.handleEndSession)        // session.go
	mux.HandleFunc("GET /tasks/cleanup-sessions", s.handleCleanup) // session.go
	mux.HandleFunc("GET /_ah/warmup", s.handleWarmup)              // session.go
	mux.HandleFunc("GET /static/{file}", s.handleStatic)           // render.go
	return s.middleware(mux)
}
