package mastermind

import (
	"encoding/gob"
	"errors"
)

// The web handlers keep a Code and a []Turn in the session's
// map[interface{}]interface{}; gob can only decode interface values whose
// concrete types were registered.
func init() {
	gob.Register(Code{})
	gob.Register(Turn{})
	gob.Register([]Turn{})
}

// ErrGameOver is wrapped by the error from [Game.Guess] once the game has
// been won or lost.
var ErrGameOver = errors.New("mastermind: the game is over")

// ErrNoSecret is wrapped by the error from [Game.Guess] when the game's
// secret is not a valid code, typically a Game that was never started or a
// session that lost its secret. Without it such a game could not be won.
var ErrNoSecret = errors.New("mastermind: the game has no valid secret")

// Turn is one guess and its answer, as kept in the session.
type Turn struct {
	Guess        Code
	Black, White int
}

// Feedback returns the answer part of the turn.
func (t Turn) Feedback() Feedback { return Feedback{Black: t.Black, White: t.White} }

// Status says whether a game is still going on.
type Status string

// The states of a game, written as the words a template can show.
const (
	Playing Status = "playing"
	Won     Status = "won"
	Lost    Status = "lost"
)

// Game is a secret and the turns played against it. It holds nothing else
// so that it can be rebuilt from the two session values on every request.
// The zero Game has no secret and refuses guesses; start one with
// [NewGame].
type Game struct {
	Secret Code
	Turns  []Turn
}

// NewGame starts a game with a secret from [GenerateSecret].
func NewGame() (Game, error) {
	s, err := GenerateSecret()
	if err != nil {
		return Game{}, err
	}
	return Game{Secret: s}, nil
}

// Status is Won once a turn has all pegs black, Lost after MaxTurns turns
// without a win, and Playing otherwise. It trusts the recorded feedback
// rather than rescoring, so it agrees with what the player was shown.
func (g *Game) Status() Status {
	for _, t := range g.Turns {
		if t.Black == Pegs {
			return Won
		}
	}
	if len(g.Turns) >= MaxTurns {
		return Lost
	}
	return Playing
}

// TurnsLeft is the number of guesses the player may still make: 0 once the
// game is over, whether won or lost.
func (g *Game) TurnsLeft() int {
	if g.Status() != Playing {
		return 0
	}
	return MaxTurns - len(g.Turns)
}

// Guess scores c against the secret, records the turn and returns it. The
// game is left unchanged on error: the error wraps [ErrGameOver] if the
// game is not being played, [ErrInvalidCode] if c is not a valid code, and
// [ErrNoSecret] if the game has no valid secret.
func (g *Game) Guess(c Code) (Turn, error) {
	if g.Status() != Playing {
		return Turn{}, ErrGameOver
	}
	if !c.Valid() {
		return Turn{}, newCodeError(c.String())
	}
	if !g.Secret.Valid() {
		return Turn{}, ErrNoSecret
	}
	f := Score(g.Secret, c)
	t := Turn{Guess: c, Black: f.Black, White: f.White}
	g.Turns = append(g.Turns, t)
	return t, nil
}
