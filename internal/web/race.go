package web

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"cloud.google.com/go/datastore"
	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/internal/race"
)

// The race of docs/lesson.md, section 7, live: POST /race sends raceClicks
// clicks at once for the visitor, first the naive way (read, +1, write
// back), then atomically (a transaction), each on a count of its own from
// 0. The counts live in a race record beside the visitor's session, named
// by the session's id (package race), never in the session: the naive
// way's blind writes can lose the race's clicks, and nothing else.
const (
	raceClicks = 20
	// racesAtOnce bounds the races an instance runs at a time: a race is
	// 41 Datastore commits from one request.
	racesAtOnce = 2
	// keyRace is the session key a visitor without a session gets when a
	// race starts, so that the race has a session to be filed under.
	keyRace = "race"
)

// racePage is the data of the race template.
type racePage struct {
	pageData
	Ran                   bool // a race has been started and not expired
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

// raceOf reads the race of the session r's cookie names, with the session:
// one Lookup, or none without a cookie that verifies. ran is false before
// the first race, after it expires, and once the session has ended.
func (s *Server) raceOf(r *http.Request) (res raceResult, ran bool, err error) {
	sess, ok, err := s.sessionKey(r)
	if err != nil || !ok {
		return resultOf(race.Counts{}), false, err
	}
	c, ran, err := s.races.Get(r.Context(), sess)
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

// handleRace runs the race for this visitor on the server (race.Store.Run),
// within the bounds: racesAtOnce per instance (raceBound), and one at a
// time per session, kept in the race's record so that it holds on every
// instance. Beyond either, 429 and nothing written.
func (s *Server) handleRace(w http.ResponseWriter, r *http.Request) {
	release, err := s.raceBound.acquire()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer release()
	var c race.Counts
	err = s.withRaceSession(w, r, func(key *datastore.Key) (err error) {
		c, err = s.races.Run(r.Context(), key, raceClicks, requestTimeout)
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, "/race", resultOf(c))
}

// withRaceSession calls start with the key of the visitor's live session.
// A visitor whose session is there keeps it untouched. One without (no
// cookie, or the cookie of a session that has ended: start says so with
// race.ErrNoSession) gets a new session holding only keyRace, written
// through Update, so never over another request's work, and a new cookie
// with it; start then runs again, with its key.
func (s *Server) withRaceSession(w http.ResponseWriter, r *http.Request, start func(*datastore.Key) error) error {
	key, ok, err := s.sessionKey(r)
	if err != nil {
		return err
	}
	if ok {
		if err := start(key); !errors.Is(err, race.ErrNoSession) {
			return err
		}
	}
	sess, err := s.update(w, r, func(sess *sessions.Session) error {
		if len(sess.Values) == 0 {
			sess.Values[keyRace] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	st, err := s.store(r.Context())
	if err != nil {
		return err
	}
	return start(st.Key(sess.ID))
}

// handleRaceReset starts the race afresh: the start of a race the browser
// runs itself (static/race.js), one request per click. While the server
// runs this session's race, 429.
func (s *Server) handleRaceReset(w http.ResponseWriter, r *http.Request) {
	err := s.withRaceSession(w, r, func(key *datastore.Key) error { return s.races.Start(r.Context(), key) })
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, "/race", resultOf(race.Counts{}))
}

// handleRaceNaive is one naive click from the browser; without a race
// started, 409 and nothing written.
func (s *Server) handleRaceNaive(w http.ResponseWriter, r *http.Request) {
	s.raceClick(w, r, s.races.Naive)
}

// handleRaceAtomic is one atomic click from the browser.
func (s *Server) handleRaceAtomic(w http.ResponseWriter, r *http.Request) {
	s.raceClick(w, r, s.races.Atomic)
}

// raceClick is one click of the browser's race on the visitor's race,
// answered with the race's counts after it: 409 without a live race, 429
// while the server runs this session's race.
func (s *Server) raceClick(w http.ResponseWriter, r *http.Request, click func(context.Context, *datastore.Key) (race.Counts, error)) {
	key, ok, err := s.sessionKey(r)
	if err == nil && !ok {
		err = errNoRace
	}
	var c race.Counts
	if err == nil {
		c, err = click(r.Context(), key)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, "/race", resultOf(c))
}

// raceBound is the instance's bound on POST /race, the one route where a
// request makes many writes: racesAtOnce at a time. It lives in the
// instance and holds nothing of any visitor; the bound of one race per
// session is in the race's record (race.Store.Run).
type raceBound struct {
	mu sync.Mutex
	n  int
}

// acquire starts a race, or returns errRacesBusy when the instance is at
// its bound.
func (b *raceBound) acquire() (release func(), err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.n >= racesAtOnce {
		return nil, errRacesBusy
	}
	b.n++
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.n--
	}, nil
}
