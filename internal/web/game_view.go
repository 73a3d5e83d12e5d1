package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/mastermind"
)

// gameJSON is a game as the HTTP contract writes it. The secret is there
// only once the game is over.
type gameJSON struct {
	Pegs     int        `json:"pegs"`
	Colors   int        `json:"colors"`
	MaxTurns int        `json:"maxTurns"`
	Turns    []turnJSON `json:"turns"`
	Status   string     `json:"status"`
	Secret   string     `json:"secret,omitempty"`
}

type turnJSON struct {
	Guess string `json:"guess"`
	Black int    `json:"black"`
	White int    `json:"white"`
}

type hintView struct {
	Guess     string `json:"guess"`
	Remaining int    `json:"remaining"`
}

func gameView(g mastermind.Game) gameJSON {
	v := gameJSON{
		Pegs: mastermind.Pegs, Colors: mastermind.Colors, MaxTurns: mastermind.MaxTurns,
		Turns:  make([]turnJSON, len(g.Turns)),
		Status: string(g.Status()),
	}
	for i, t := range g.Turns {
		v.Turns[i] = turnJSON{Guess: t.Guess.String(), Black: t.Black, White: t.White}
	}
	if g.Status() != mastermind.Playing {
		v.Secret = g.Secret.String()
	}
	return v
}

// boardPage is the data of the mastermind template.
type boardPage struct {
	pageData
	Rows      []boardRow
	Status    string
	Secret    []uint8 // only once the game is over
	TurnsLeft int
	Colors    []uint8 // the palette, 1..6
	Message   string  // why the last guess was refused
	Guess     string  // to put back in the guess field
	Hint      *hintView
}

// boardRow is one turn on the board; a row not yet played has no Guess.
type boardRow struct {
	N     int
	Guess []uint8
	Black int
	White int
	Keys  []string // "black", "white" or "none", blacks first
}

func (s *Server) newBoard(r *http.Request, sess *sessions.Session, g mastermind.Game) *boardPage {
	b := &boardPage{
		pageData:  pageData{Nav: "mastermind", Panel: s.newPanel(r, sess)},
		Status:    string(g.Status()),
		TurnsLeft: g.TurnsLeft(),
	}
	for c := uint8(1); c <= mastermind.Colors; c++ {
		b.Colors = append(b.Colors, c)
	}
	for i := range mastermind.MaxTurns {
		row := boardRow{N: i + 1}
		if i < len(g.Turns) {
			t := g.Turns[i]
			row.Guess = t.Guess[:]
			row.Black, row.White = t.Black, t.White
			for k := range mastermind.Pegs {
				switch {
				case k < t.Black:
					row.Keys = append(row.Keys, "black")
				case k < t.Black+t.White:
					row.Keys = append(row.Keys, "white")
				default:
					row.Keys = append(row.Keys, "none")
				}
			}
		}
		b.Rows = append(b.Rows, row)
	}
	if g.Status() != mastermind.Playing {
		b.Secret = g.Secret[:]
	}
	return b
}

// clip makes a typed guess fit to show back to the player: valid UTF-8
// (a run of invalid bytes becomes one U+FFFD), and short.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= 8 {
		return s
	}
	return string([]rune(s)[:8])
}
