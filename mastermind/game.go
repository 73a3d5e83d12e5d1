package mastermind

import "errors"

// ErrGameOver is wrapped by the error from [Game.Guess] once the game has
// been won or lost.
var ErrGameOver = errors.New("mastermind: the game is over")

// ErrNoSecret is wrapped by the error from [Game.Guess] when the game's
// secret is not a valid code, typically a Game that was never started or a
// session that lost its secret. Without it such a game could not be won.
var ErrNoSecret = errors.New("mastermind: the game has no valid secret")

// Turn is one guess and its answer.
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
// so that [Replay] can rebuild it from the secret and the guesses alone,
// which is all a web handler needs to keep in a session. The zero Game has
// no secret and refuses guesses; start one with [NewGame].
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

// Replay rebuilds the game of secret in which guesses were played, in that
// order, scoring each guess again with [Score]: what a guess scored follows
// from the codes, so they are all a game needs to be kept as, the way the
// lesson keeps sess['secret'] and sess['guessList']. It refuses what no
// game could have recorded: the error wraps [ErrInvalidCode] if secret or a
// guess is not a valid code, and [ErrGameOver] if a guess comes after the
// game was won or lost (so more than [MaxTurns] guesses are refused).
func Replay(secret string, guesses []string) (Game, error) {
	s, err := ParseCode(secret)
	if err != nil {
		return Game{}, err
	}
	g := Game{Secret: s, Turns: make([]Turn, 0, min(len(guesses), MaxTurns))}
	for _, text := range guesses {
		c, err := ParseCode(text)
		if err != nil {
			return Game{}, err
		}
		if _, err := g.Guess(c); err != nil {
			return Game{}, err
		}
	}
	return g, nil
}
