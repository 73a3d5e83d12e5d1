package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gae-lessons/sessions-go/internal/race"
	"github.com/gae-lessons/sessions-go/mastermind"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// clientError is an error whose message is written for the visitor.
type clientError struct {
	status int
	msg    string
}

func (e *clientError) Error() string { return e.msg }

var (
	errNotFound    = &clientError{http.StatusNotFound, "There is no page at this address."}
	errMethod      = &clientError{http.StatusMethodNotAllowed, "This address does not accept this kind of request."}
	errCrossOrigin = &clientError{http.StatusForbidden, "This form was sent from another site, so it was refused. Use the form on this site."}
	errTooLarge    = &clientError{http.StatusRequestEntityTooLarge, "The request is too large: forms here are far smaller than 64 KiB."}
	errBadForm     = &clientError{http.StatusBadRequest, "The form could not be read: send it as application/x-www-form-urlencoded."}
	errBadEncoding = &clientError{http.StatusBadRequest, "The form's body is not valid URL encoding: send it as a browser encodes a form (fields joined by &, and a % followed by two hex digits)."}
	errNotCron     = &clientError{http.StatusForbidden, "This task runs only from App Engine cron."}
	errGameOver    = &clientError{http.StatusConflict, "This game is over. Start a new game to play again."}
	errNoRace      = &clientError{http.StatusConflict, "No race has been started for you, or it has ended: press the button on /race to start one."}
	errRacesBusy   = &clientError{http.StatusTooManyRequests, "Other races are running on this server right now. Try again in a few seconds."}
)

// failure is how a request that failed is answered and logged.
type failure struct {
	code       int
	msg        string // for the visitor
	retryAfter string // seconds, or "" for no Retry-After header
	level      slog.Level
	log        string // the log line's message, or "" for no line
}

// unavailable is the answer to Datastore failing or being too slow.
var unavailable = failure{http.StatusServiceUnavailable,
	"Session storage is not answering right now. Try again in a few seconds; if you had just made a change, reload the page to see whether it was kept.",
	retryAfter, slog.LevelWarn, "datastore unavailable"}

// failureOf decides how a request that failed with err is answered and
// logged: status, message, Retry-After and log line. This is the one
// place that decides; handlers only pass errors on.
//
// The message is one of the sentences here, or comes from a type written
// for visitors (clientError, mastermind.CodeError); never from any other
// error's text, which may hold Go, gRPC or package detail and goes to the
// log only. A request whose context ended first is told apart: a client
// that hung up is no failure at all (nothing above debug, and nobody reads
// the answer), and the server's shutdown is not Datastore's. Then Datastore
// failures, so that a request wrong in two ways at once (a refused guess
// whose board could not be read) is answered as what a retry can fix.
func failureOf(r *http.Request, err error) failure {
	var ce *clientError
	var codeErr *mastermind.CodeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, errIncompleteBody):
		// The body stopped short, the client's doing, whether it left or
		// stalled past the ReadTimeout; the read's end also ends the
		// request's context, so this comes before the context's cases.
		return failure{code: errIncompleteBody.status, msg: errIncompleteBody.msg}
	case clientGone(r):
		f := unavailable
		f.level, f.log = slog.LevelDebug, "client went away"
		return f
	case errors.Is(r.Context().Err(), context.Canceled):
		// Not the client, not a deadline: the server's shutdown ended it.
		f := unavailable
		f.log = "request ended by the server's shutdown"
		return f
	case errors.Is(err, sessionstore.ErrNewerFormat):
		// Two versions of the app share the sessions (a rollout or a
		// rollback); a retry may reach the newer one.
		return failure{http.StatusServiceUnavailable,
			"Your session was saved by a newer version of this site, which this server cannot read. Try again in a few seconds.",
			retryAfter, slog.LevelWarn, "session stored by a newer version of the app"}
	case errors.Is(err, race.ErrBusy), errors.Is(err, sessionstore.ErrBusy):
		// The visitor's own clicks contending, not Datastore failing, even
		// when the wait for the clicks before ran out of time; 503 all the
		// same, since a Datastore too slow to serve the queue looks alike.
		return failure{http.StatusServiceUnavailable,
			"Too many clicks at the same moment on your session or your race: this one was not counted. Try again in a second.",
			"1", slog.LevelInfo, "contention: too many updates of one session or race at once"}
	case errors.Is(err, sessionstore.ErrUnavailable), errors.Is(err, sessionstore.ErrLoadFailed),
		errors.Is(err, race.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return unavailable
	case errors.As(err, &ce) && ce.status == http.StatusTooManyRequests:
		return failure{ce.status, ce.msg, raceRetryAfter, slog.LevelDebug, ""}
	case errors.As(err, &ce):
		return failure{code: ce.status, msg: ce.msg}
	case errors.As(err, &tooBig):
		return failure{code: errTooLarge.status, msg: errTooLarge.msg}
	case errors.As(err, &codeErr):
		// The game's message names the input, escaped, and the rule.
		return failure{code: http.StatusBadRequest, msg: codeErr.Message()}
	case errors.Is(err, mastermind.ErrGameOver):
		return failure{code: errGameOver.status, msg: errGameOver.msg}
	case errors.Is(err, race.ErrNoRace):
		return failure{code: errNoRace.status, msg: errNoRace.msg}
	default:
		return failure{http.StatusInternalServerError, "Something went wrong on our side; please try again.",
			"", slog.LevelError, "request failed"}
	}
}

// fail answers a request with the error's status and message, as HTML or
// JSON, and logs what the visitor does not see (failureOf decides both).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	f := failureOf(r, err)
	if f.log != "" {
		attrs := []any{"path", r.URL.Path, "error", err}
		if cause := context.Cause(r.Context()); cause != nil && !errors.Is(err, cause) {
			attrs = append(attrs, "cause", cause)
		}
		s.log.Log(r.Context(), f.level, f.log, attrs...)
	}
	if f.retryAfter != "" {
		w.Header().Set("Retry-After", f.retryAfter)
	}
	if wantsJSON(r) {
		writeJSON(w, f.code, map[string]string{"error": f.msg})
		return
	}
	s.renderPage(w, r, f.code, "error", errorPage{Status: f.code, Title: http.StatusText(f.code), Message: f.msg})
}

// errorPage is the data of the error template.
type errorPage struct {
	pageData
	Status  int
	Title   string
	Message string
}

// clientGone reports whether r's context ended because the client closed
// the connection. net/http cancels it then with no other cause; a deadline
// (each route's, set by Handler) and the server's shutdown (main) give
// causes of their own.
func clientGone(r *http.Request) bool {
	return context.Cause(r.Context()) == context.Canceled
}
