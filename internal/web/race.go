package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gae-lessons/sessions-go/internal/race"
)

// The race of docs/lesson.md, section 7, live: raceClicks clicks at once,
// first the naive way (read, +1, write back), then atomically (a
// transaction), each on a count of its own from 0. The counts live in a
// race record of their own under a random id (package race), never in the
// session and never tied to it: the naive way's blind writes can lose the
// race's clicks, and nothing else.
const (
	raceClicks = 20
	// racesAtOnce bounds the races an instance runs at a time: a race is
	// 42 Datastore commits from one request.
	racesAtOnce = 2
	// raceCookieName names the cookie that carries the id of the browser's
	// race over plain HTTP; where the session cookie is Secure, the race's
	// is too, and __Host- prefixed for the same reason (server.go).
	raceCookieName = "race"
)

// racePage is the data of the race template.
type racePage struct {
	pageData
	Ran                   bool // a race has been run and can be shown
	Sent, Naive, Atomic   int
	NaiveLost, AtomicLost int
}

// raceResult is the race's result in JSON, as POST /race answers and
// GET /race reads it (0 and 0 before the first race).
type raceResult struct {
	Sent   int `json:"sent"`
	Naive  int `json:"naive"`
	Atomic int `json:"atomic"`
}

func resultOf(c race.Counts) raceResult {
	return raceResult{Sent: raceClicks, Naive: c.Naive, Atomic: c.Atomic}
}

// raceCookie returns the name of the race's cookie.
func (s *Server) raceCookie() string {
	if s.cfg.Secure {
		return "__Host-" + raceCookieName
	}
	return raceCookieName
}

// raceID returns the id that r's race cookie carries, or "" without one;
// package race answers ErrNoRace for an id that is not one.
func (s *Server) raceID(r *http.Request) string {
	c, err := r.Cookie(s.raceCookie())
	if err != nil {
		return ""
	}
	return c.Value
}

// raceOf reads the race to show: the one whose result the address carries
// (where POST /race sends a browser: that race is deleted), else the one
// the race cookie names, one Lookup, none without the cookie. ran is false
// before the first race and after it expires.
func (s *Server) raceOf(r *http.Request) (res raceResult, ran bool, err error) {
	q := r.URL.Query()
	naive, err1 := strconv.Atoi(q.Get("naive"))
	atomic, err2 := strconv.Atoi(q.Get("atomic"))
	if err1 == nil && err2 == nil && min(naive, atomic) >= 0 && max(naive, atomic) <= raceClicks {
		return resultOf(race.Counts{Naive: naive, Atomic: atomic}), true, nil
	}
	id := s.raceID(r)
	if id == "" {
		return resultOf(race.Counts{}), false, nil
	}
	c, ran, err := s.races.Get(r.Context(), id)
	return resultOf(c), ran, err
}

// handleRacePage shows the race's button and the last result, if any; in
// JSON, the result alone.
func (s *Server) handleRacePage(w http.ResponseWriter, r *http.Request) {
	res, ran, err := s.raceOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, res)
		return
	}
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, http.StatusOK, "race", racePage{
		pageData:   pageData{Nav: "race", Panel: s.newPanel(r, sess)},
		Ran:        ran,
		Sent:       res.Sent,
		Naive:      res.Naive,
		Atomic:     res.Atomic,
		NaiveLost:  res.Sent - res.Naive,
		AtomicLost: res.Sent - res.Atomic,
	})
}

// handleRace runs a whole race on the server (race.Store.Run), on a race
// record of its own that it deletes when done, within the instance's
// bound of racesAtOnce (raceSlots): beyond it, 429 and nothing written. A
// browser is sent to the page with the result in its address, since the
// record is gone.
func (s *Server) handleRace(w http.ResponseWriter, r *http.Request) {
	select {
	case s.raceSlots <- struct{}{}:
		defer func() { <-s.raceSlots }()
	default:
		s.fail(w, r, errRacesBusy)
		return
	}
	c, err := s.races.Run(r.Context(), raceClicks)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, fmt.Sprintf("/race?naive=%d&atomic=%d", c.Naive, c.Atomic), resultOf(c))
}

// handleRaceReset starts a new race for the browser to run itself
// (static/race.js), one request per click, and gives the browser its id
// in the race cookie, for an hour: the race's Lifetime.
func (s *Server) handleRaceReset(w http.ResponseWriter, r *http.Request) {
	id, err := s.races.Start(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.raceCookie(), Value: id, Path: "/", MaxAge: int(race.Lifetime.Seconds()),
		HttpOnly: true, Secure: s.cfg.Secure, SameSite: http.SameSiteLaxMode,
	})
	done(w, r, "/race", resultOf(race.Counts{}))
}

// handleRaceNaive is one naive click from the browser.
func (s *Server) handleRaceNaive(w http.ResponseWriter, r *http.Request) {
	s.raceClick(w, r, s.races.Naive)
}

// handleRaceAtomic is one atomic click from the browser.
func (s *Server) handleRaceAtomic(w http.ResponseWriter, r *http.Request) {
	s.raceClick(w, r, s.races.Atomic)
}

// raceClick is one click on the race the race cookie names, answered with
// the race's counts after it: 409 for no race, with nothing written and no
// cookie set.
func (s *Server) raceClick(w http.ResponseWriter, r *http.Request, click func(context.Context, string) (race.Counts, error)) {
	c, err := click(r.Context(), s.raceID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, "/race", resultOf(c))
}
