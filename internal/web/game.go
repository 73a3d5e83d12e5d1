package web

import (
	"errors"
	"net/http"

	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/mastermind"
)

// The session keys of the game, as the lesson names them: the secret code
// and the list of guesses (sess['secret'], sess['guessList']).
const (
	keySecret    = "secret"
	keyGuessList = "guessList"
)

// gameOf reads the visitor's game from the session, dictionary-style: the
// secret ("3632") and the guesses (["1122", "3456"]) as typed, each guess
// scored again. Anything no game could have stored is no game.
func gameOf(sess *sessions.Session) (mastermind.Game, bool) {
	secret, _ := sess.Values[keySecret].(string)
	guessList, _ := sess.Values[keyGuessList].([]string)
	g, err := mastermind.Replay(secret, guessList)
	return g, err == nil
}

// putGame writes the game back into the session.
func putGame(sess *sessions.Session, g mastermind.Game) {
	guessList := make([]string, len(g.Turns))
	for i, t := range g.Turns {
		guessList[i] = t.Guess.String()
	}
	sess.Values[keySecret] = g.Secret.String()
	sess.Values[keyGuessList] = guessList
}

// newGame starts a game in the session: the lesson's
// sess['secret'] = mastermind.generateSecret().
func newGame(sess *sessions.Session) error {
	g, err := mastermind.NewGame()
	if err != nil {
		return err
	}
	putGame(sess, g)
	return nil
}

// currentGame returns the visitor's game, read only: a visitor who has
// none, or whose session holds what no game could have stored, gets the
// zero Game, an empty board ready for a guess (playing, no turns, no
// secret). A GET never writes, so it never starts a game; the first guess
// or New game does. A returning player costs one Datastore lookup, a new
// visitor none.
func (s *Server) currentGame(r *http.Request) (*sessions.Session, mastermind.Game, error) {
	sess, err := s.session(r)
	if err != nil {
		return nil, mastermind.Game{}, err
	}
	g, _ := gameOf(sess) // no game is the zero Game
	return sess, g, nil
}

// handleGame shows the visitor's game.
func (s *Server) handleGame(w http.ResponseWriter, r *http.Request) {
	sess, g, err := s.currentGame(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, gameView(g))
		return
	}
	s.renderPage(w, r, http.StatusOK, "mastermind", s.newBoard(r, sess, g))
}

// handleGuess plays one guess. The guess is checked before the session is
// touched, and played inside the store's atomic update, so two tabs guessing
// at once can neither lose a turn nor play an eleventh.
func (s *Server) handleGuess(w http.ResponseWriter, r *http.Request) {
	text, err := formValue(r, "guess")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code, err := mastermind.ParseCode(text)
	if err != nil {
		s.failOnBoard(w, r, err, text)
		return
	}
	var g mastermind.Game
	_, err = s.update(w, r, func(sess *sessions.Session) error {
		var ok bool
		if g, ok = gameOf(sess); !ok {
			// The first guess starts the game: the secret is drawn now.
			var err error
			if g, err = mastermind.NewGame(); err != nil {
				return err
			}
		}
		if _, err := g.Guess(code); err != nil {
			return err
		}
		putGame(sess, g)
		return nil
	})
	if err != nil {
		s.failOnBoard(w, r, err, text)
		return
	}
	done(w, r, "/mastermind", gameView(g))
}

// handleNewGame abandons the current game for a new one.
func (s *Server) handleNewGame(w http.ResponseWriter, r *http.Request) {
	sess, err := s.update(w, r, newGame)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	g, _ := gameOf(sess)
	done(w, r, "/mastermind", gameView(g))
}

// handleHint gives Knuth's next guess for the current game; before the
// first guess, Knuth's first move (1122 of 1296), with no game needed.
func (s *Server) handleHint(w http.ResponseWriter, r *http.Request) {
	sess, g, err := s.currentGame(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	guess, remaining, err := mastermind.Hint(g.Turns)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, hintView{Guess: guess.String(), Remaining: remaining})
		return
	}
	b := s.newBoard(r, sess, g)
	b.Hint = &hintView{Guess: guess.String(), Remaining: remaining}
	b.Guess = guess.String()
	s.renderPage(w, r, http.StatusOK, "mastermind", b)
}

// failOnBoard answers a refused guess. In HTML the board is shown again
// with the message and the guess as typed, so the player can correct it;
// everything else goes to fail.
func (s *Server) failOnBoard(w http.ResponseWriter, r *http.Request, err error, typed string) {
	f := failureOf(r, err)
	code, msg := f.code, f.msg
	if wantsJSON(r) || (code != http.StatusBadRequest && code != http.StatusConflict) {
		s.fail(w, r, err)
		return
	}
	// Read only: a refused guess must not start a game either.
	sess, g, lerr := s.currentGame(r)
	if lerr != nil {
		s.fail(w, r, errors.Join(err, lerr))
		return
	}
	b := s.newBoard(r, sess, g)
	b.Message = msg
	if code == http.StatusBadRequest {
		b.Guess = clip(typed)
	}
	s.renderPage(w, r, code, "mastermind", b)
}
