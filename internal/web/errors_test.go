package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/internal/race"
	"github.com/gae-lessons/sessions-go/mastermind"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// internalText is what Go, gRPC and package errors say and a visitor must
// never read.
var internalText = []string{"rpc error", "sessionstore:", "datastore", "context deadline", "code =", "mastermind:"}

// checkNoInternalText checks that an answer shows none of internalText.
func checkNoInternalText(t *testing.T, what, body string) {
	t.Helper()
	for _, s := range internalText {
		if strings.Contains(body, s) {
			t.Errorf("%s: the answer shows %q: %.300s", what, s, body)
		}
	}
}

func TestFailureOf_messageNeverFromInternalText(t *testing.T) {
	dsErr := fmt.Errorf("sessionstore: load abc: %w: rpc error: code = Unavailable desc = connection refused", sessionstore.ErrUnavailable)
	_, badGuess := mastermind.ParseCode("12a4")
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantMsg    string // a part of the message
	}{
		{"Datastore failure", dsErr, http.StatusServiceUnavailable, "Session storage is not answering"},
		{"deadline", fmt.Errorf("sessionstore: save: %w", context.DeadlineExceeded), http.StatusServiceUnavailable, "Session storage is not answering"},
		{"bad guess and Datastore failure", errors.Join(badGuess, dsErr), http.StatusServiceUnavailable, "Session storage is not answering"},
		{"game over and Datastore failure", errors.Join(mastermind.ErrGameOver, dsErr), http.StatusServiceUnavailable, "Session storage is not answering"},
		{"newer format and a client error", errors.Join(errGameOver, sessionstore.ErrNewerFormat), http.StatusServiceUnavailable, "newer version"},
		{"bad guess", badGuess, http.StatusBadRequest, `"12a4" is not a valid code`},
		{"bad guess, wrapped", fmt.Errorf("handler: %w", badGuess), http.StatusBadRequest, `"12a4" is not a valid code`},
		{"invalid code without its type", fmt.Errorf("%w: rpc error: code = Internal", mastermind.ErrInvalidCode), http.StatusInternalServerError, "on our side"},
		{"no candidates", mastermind.ErrNoCandidates, http.StatusInternalServerError, "on our side"},
		{"any other error", errors.New("rpc error: code = Internal desc = datastore: boom"), http.StatusInternalServerError, "on our side"},
		{"a race's clicks contending", fmt.Errorf("%w: atomic click: %w", race.ErrBusy, context.DeadlineExceeded), http.StatusServiceUnavailable, "Too many clicks at the same moment"},
		{"a session's updates contending", fmt.Errorf("%w: update session: datastore: concurrent transaction", sessionstore.ErrBusy), http.StatusServiceUnavailable, "Too many clicks at the same moment"},
		{"no race", fmt.Errorf("%w", race.ErrNoRace), http.StatusConflict, "start one"},
		{"a race's Datastore failure", fmt.Errorf("%w: naive click: rpc error", race.ErrUnavailable), http.StatusServiceUnavailable, "Session storage is not answering"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := failureOf(httptest.NewRequest("GET", "/", nil), tt.err)
			code, msg := f.code, f.msg
			if code != tt.wantStatus || !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("got %d %q, want %d with %q", code, msg, tt.wantStatus, tt.wantMsg)
			}
			if code == http.StatusServiceUnavailable && f.retryAfter == "" {
				t.Errorf("got a 503 with no Retry-After")
			}
			checkNoInternalText(t, tt.name, msg)
		})
	}
}
