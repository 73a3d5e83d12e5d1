package exercise

import (
	"net/http"
	"net/url"
)

// game is a Mastermind game as GET /mastermind answers it in JSON
// (docs/http.md).
type game struct {
	Turns []struct {
		Guess        string
		Black, White int
	} `json:"turns"`
	Status string `json:"status"`
}

// page asks for path as a browser does and parses the page.
func (v *Visitor) page(path string) (*Page, error) {
	a, err := v.Get(path, false)
	if err != nil {
		return nil, err
	}
	if a.Status != http.StatusOK {
		return nil, a.Unexpected()
	}
	return a.page()
}

// game returns the visitor's game.
func (v *Visitor) game() (game, error) {
	a, err := v.Get("/mastermind", true)
	if err != nil {
		return game{}, err
	}
	if a.Status != http.StatusOK {
		return game{}, a.Unexpected()
	}
	var g game
	return g, a.JSON(&g)
}

// guess plays code and returns the game after it.
func (v *Visitor) guess(code string) (game, error) {
	a, err := v.Post("/mastermind/guess", url.Values{"guess": {code}}, true)
	if err != nil {
		return game{}, err
	}
	if a.Status != http.StatusOK {
		return game{}, a.Unexpected()
	}
	var g game
	return g, a.JSON(&g)
}

// newGame starts a new game.
func (v *Visitor) newGame() error {
	a, err := v.Post("/mastermind/new", url.Values{}, true)
	if err != nil {
		return err
	}
	if !a.OK() {
		return a.Unexpected()
	}
	return nil
}

// win plays the current game to a win by following Knuth's hints, which
// win every game within 5 guesses.
func (v *Visitor) win() error {
	for range 5 {
		a, err := v.Get("/mastermind/hint", true)
		if err != nil {
			return err
		}
		if a.Status != http.StatusOK {
			return a.Unexpected()
		}
		var h struct{ Guess string }
		if err := a.JSON(&h); err != nil {
			return err
		}
		g, err := v.guess(h.Guess)
		if err != nil {
			return err
		}
		if g.Status == "won" {
			return nil
		}
	}
	return missf("following the hints did not win the game within 5 guesses: the game or its hint is broken; run go test ./mastermind ./internal/web")
}

// lose starts a new game and loses it: the same guess ten times never wins
// unless it is the secret, and then the game is won and another one tried.
// It returns how many games it won on the way (almost always none).
func (v *Visitor) lose() (won int, err error) {
	for {
		if err := v.newGame(); err != nil {
			return won, err
		}
		g, err := v.guess("1122")
		if err != nil {
			return won, err
		}
		if g.Status == "won" {
			won++
			continue
		}
		for i := 0; g.Status == "playing" && i < 10; i++ {
			if g, err = v.guess("1122"); err != nil {
				return won, err
			}
		}
		if g.Status != "lost" {
			return won, missf("ten wrong guesses left the game %q, not lost: the game is broken; run go test ./mastermind ./internal/web", g.Status)
		}
		return won, nil
	}
}
