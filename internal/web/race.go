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

var errNoRace = &clientError{http.StatusConflict, "No race has been started for you, or it has ended: press the button on /race to start one."}

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

// handleRace runs the race for this visitor, within the bound (raceBound):
// beyond it, 429 and nothing written.
func (s *Server) handleRace(w http.ResponseWriter, r *http.Request) {
	key, _, err := s.sessionKey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	release, err := s.raceBound.acquire(key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer release()
	if key, err = s.startRace(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	// One burst after the other: a naive write puts back the whole race as
	// it read it, so during the atomic burst it would undo atomic clicks.
	ctx := r.Context()
	for _, click := range []func(context.Context, *datastore.Key) (int, error){s.races.Naive, s.races.Atomic} {
		errs := make([]error, raceClicks)
		var wg sync.WaitGroup
		for i := range raceClicks {
			wg.Go(func() { _, errs[i] = click(ctx, key) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				s.fail(w, r, err) // the first is enough: they share a cause
				return
			}
		}
	}
	c, _, err := s.races.Get(ctx, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, "/race", resultOf(c))
}

// startRace starts the visitor's race from 0 and returns the key of the
// session it is filed under. A visitor whose session is there keeps it
// untouched. One without (no cookie, or the cookie of a session that has
// ended) gets a new session holding only keyRace, written through Update,
// so never over another request's work, and a new cookie with it.
func (s *Server) startRace(w http.ResponseWriter, r *http.Request) (*datastore.Key, error) {
	key, ok, err := s.sessionKey(r)
	if err != nil {
		return nil, err
	}
	if ok {
		err = s.races.Start(r.Context(), key)
		if !errors.Is(err, race.ErrNoSession) {
			return key, err
		}
	}
	sess, err := s.update(w, r, func(sess *sessions.Session) error {
		if len(sess.Values) == 0 {
			sess.Values[keyRace] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	st, err := s.store(r.Context())
	if err != nil {
		return nil, err
	}
	key = st.Key(sess.ID)
	return key, s.races.Start(r.Context(), key)
}

// handleRaceReset starts the race afresh: the start of a race the browser
// runs itself (static/race.js), one request per click. While the server
// runs this session's race (POST /race), 429: it would spoil that result.
func (s *Server) handleRaceReset(w http.ResponseWriter, r *http.Request) {
	err := s.raceBound.notRacing(s.sessionKey(r))
	if err == nil {
		_, err = s.startRace(w, r)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, "/race", resultOf(race.Counts{}))
}

// handleRaceNaive is one naive click from the browser; without a race
// started, 409 and nothing written.
func (s *Server) handleRaceNaive(w http.ResponseWriter, r *http.Request) {
	s.raceClick(w, r, "naive", s.races.Naive)
}

// handleRaceAtomic is one atomic click from the browser.
func (s *Server) handleRaceAtomic(w http.ResponseWriter, r *http.Request) {
	s.raceClick(w, r, "atomic", s.races.Atomic)
}

// raceClick is one click of the browser's race on the visitor's race,
// answered as {name: count}: 409 without a live race, 429 while the server
// runs this session's race.
func (s *Server) raceClick(w http.ResponseWriter, r *http.Request, name string, click func(context.Context, *datastore.Key) (int, error)) {
	key, ok, err := s.sessionKey(r)
	if err == nil && !ok {
		err = errNoRace
	}
	if err == nil {
		err = s.raceBound.notRacing(key, true, nil)
	}
	n := 0
	if err == nil {
		n, err = click(r.Context(), key)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, "/race", map[string]int{name: n})
}

// raceBound is the bound of POST /race, the one route where a request
// makes many writes: one race at a time per session, racesAtOnce per
// instance. It holds the ids of the sessions racing now, only while they
// race. It lives in the instance: on several instances a visitor could run
// one race on each; the per-instance bound still holds on each.
type raceBound struct {
	mu      sync.Mutex
	running map[string]bool // the sessions racing now; "" is new visitors
	n       int
}

// acquire starts a race for the session of key (nil for a new visitor,
// who has no race running), or returns the error to answer with:
// errRaceRunning when this session races already, errRacesBusy when the
// instance is at its bound.
func (b *raceBound) acquire(key *datastore.Key) (release func(), err error) {
	id := ""
	if key != nil {
		id = key.Name
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case id != "" && b.running[id]:
		return nil, errRaceRunning
	case b.n >= racesAtOnce:
		return nil, errRacesBusy
	}
	if b.running == nil {
		b.running = map[string]bool{}
	}
	if id != "" {
		b.running[id] = true
	}
	b.n++
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.running, id)
		b.n--
	}, nil
}

// notRacing returns errRaceRunning while the session of key races on this
// instance, for a reset or a click that would spoil that race's result; it
// passes on err (sessionKey's), and lets a request without a session by.
func (b *raceBound) notRacing(key *datastore.Key, ok bool, err error) error {
	if err != nil || !ok {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.running[key.Name] {
		return errRaceRunning
	}
	return nil
}
