package web

import (
	"context"
	"errors"
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
	errBadEncoding = &clientError{http.StatusBadRequest, "The form's body is not valid URL encoding (a % must be followed by two hex digits): send it as a browser encodes a form."}
	errNotCron     = &clientError{http.StatusForbidden, "This task runs only from App Engine cron."}
	errGameOver    = &clientError{http.StatusConflict, "This game is over. Start a new game to play again."}
	errRaceRunning = &clientError{http.StatusTooManyRequests, "Your race is still running. Wait for its result, then send another."}
	errRacesBusy   = &clientError{http.StatusTooManyRequests, "Other races are running on this server right now. Try again in a few seconds."}
	errClicksBusy  = &clientError{http.StatusServiceUnavailable, "Too many clicks at the same moment on your session or your race: this one was not counted. Try again in a second."}
)

// statusOf maps an error to the HTTP status and the message the visitor sees.
// This is the one place that decides: handlers only pass errors on.
//
// The message is one of the sentences here, or comes from a type written
// for visitors (clientError, mastermind.CodeError); never from any other
// error's text, which may hold Go, gRPC or package detail and goes to the
// log only (fail). Datastore failures come first, so that a request wrong
// in two ways at once (a refused guess whose board could not be read) is
// answered as what a retry can fix.
func statusOf(err error) (int, string) {
	var ce *clientError
	var codeErr *mastermind.CodeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, sessionstore.ErrNewerFormat):
		// Two versions of the app share the sessions (a rollout or a
		// rollback); a retry may reach the newer one.
		return http.StatusServiceUnavailable, "Your session was saved by a newer version of this site, which this server cannot read. Try again in a few seconds."
	case errors.Is(err, race.ErrBusy), errors.Is(err, sessionstore.ErrBusy):
		// The visitor's own clicks contending, not Datastore failing, even
		// when the wait for the clicks before ran out of time; 503 all the
		// same, since a Datastore too slow to serve the queue looks alike.
		return errClicksBusy.status, errClicksBusy.msg
	case errors.Is(err, sessionstore.ErrUnavailable), errors.Is(err, sessionstore.ErrLoadFailed),
		errors.Is(err, race.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "Session storage is not answering right now. Try again in a few seconds; if you had just made a change, reload the page to see whether it was kept."
	case errors.As(err, &ce):
		return ce.status, ce.msg
	case errors.As(err, &tooBig):
		return errTooLarge.status, errTooLarge.msg
	case errors.As(err, &codeErr):
		// The game's message names the input, escaped, and the rule.
		return http.StatusBadRequest, codeErr.Message()
	case errors.Is(err, mastermind.ErrGameOver):
		return errGameOver.status, errGameOver.msg
	case errors.Is(err, race.ErrNoRace), errors.Is(err, race.ErrNoSession):
		return errNoRace.status, errNoRace.msg
	default:
		return http.StatusInternalServerError, "Something went wrong on our side; please try again."
	}
}

// fail answers a request with the error's status and message, as HTML or
// JSON, and logs what the visitor does not see.
//
// A client that hung up is not a failure of Datastore, though every call
// it left half-done fails: that is logged at debug level only, and nobody
// reads the answer.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := statusOf(err)
	switch {
	case clientGone(r):
		s.log.DebugContext(r.Context(), "client went away", "path", r.URL.Path, "error", err)
	case code == http.StatusServiceUnavailable && errors.Is(r.Context().Err(), context.Canceled):
		// Not the client, not a deadline: the server's shutdown ended it.
		w.Header().Set("Retry-After", retryAfter)
		s.log.WarnContext(r.Context(), "request ended by the server's shutdown", "path", r.URL.Path, "cause", context.Cause(r.Context()))
	case code == http.StatusServiceUnavailable && (errors.Is(err, race.ErrBusy) || errors.Is(err, sessionstore.ErrBusy)):
		w.Header().Set("Retry-After", "1")
		s.log.InfoContext(r.Context(), "contention: too many updates of one session or race at once", "path", r.URL.Path, "error", err)
	case code == http.StatusServiceUnavailable && errors.Is(err, sessionstore.ErrNewerFormat):
		w.Header().Set("Retry-After", retryAfter)
		s.log.WarnContext(r.Context(), "session stored by a newer version of the app", "path", r.URL.Path, "error", err)
	case code == http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", retryAfter)
		s.log.WarnContext(r.Context(), "datastore unavailable", "path", r.URL.Path, "error", err)
	case code == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", raceRetryAfter)
	case code >= 500:
		s.log.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "error", err)
	}
	if wantsJSON(r) {
		writeJSON(w, code, map[string]string{"error": msg})
		return
	}
	s.renderPage(w, r, code, "error", errorPage{Status: code, Title: http.StatusText(code), Message: msg})
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
// (withDeadline) and the server's shutdown (main) give causes of their own.
func clientGone(r *http.Request) bool {
	return context.Cause(r.Context()) == context.Canceled
}
