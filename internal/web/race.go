package web

import (
	"net/http"
	"sync"

	"github.com/gorilla/sessions"
)

// The race of docs/lesson.md, section 7, live: POST /race sends raceClicks
// clicks at once for the visitor, first the naive way (Get, +1, Save) on
// keyRaceNaive, then atomically (Update) on keyRaceAtomic, each from 0.
// What the two keys hold afterwards is the result GET /race shows.
const (
	keyRaceNaive  = "raceNaive"
	keyRaceAtomic = "raceAtomic"
	raceClicks    = 20
	// racesAtOnce bounds the races an instance runs at a time: a race is
	// 41 Datastore commits from one request.
	racesAtOnce = 2
)

// racePage is the data of the race template.
type racePage struct {
	pageData
	Ran                   bool // a race has been run: the keys are in the session
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

// raceOf reads a race's result from the session; ran is false before the
// first race.
func raceOf(sess *sessions.Session) (res raceResult, ran bool) {
	naive, okN := sess.Values[keyRaceNaive].(int)
	atomic, okA := sess.Values[keyRaceAtomic].(int)
	return raceResult{Sent: raceClicks, Naive: naive, Atomic: atomic}, okN && okA
}

// handleRacePage shows the race's button and the last result, if any; in
// JSON, the result alone.
func (s *Server) handleRacePage(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, ran := raceOf(sess)
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, res)
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
	// The context as it came in, before the reset's Update records its
	// load in r's context: the clicks' requests must not share that
	// record, which is for one goroutine at a time.
	ctx := r.Context()
	id, err := s.sessionID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	release, err := s.races.acquire(id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer release()

	// Both keys start from 0, in one write that also gives a new visitor
	// the session (and the cookie) the clicks then carry.
	if _, err := s.update(w, r, resetRace); err != nil {
		s.fail(w, r, err)
		return
	}
	// Each click is a copy of the visitor's request with the session
	// cookie, on the incoming context (ctx).
	cookie := sessionCookie(w, r, s.cookieName())
	visitor := func() *http.Request {
		c := r.Clone(ctx)
		c.Body = http.NoBody
		c.Header.Del("Cookie")
		if cookie != nil {
			c.AddCookie(cookie)
		}
		return c
	}
	// One burst after the other: a naive Save writes the whole session as
	// it read it, so during the atomic burst it would undo atomic clicks.
	for _, click := range []raceClick{s.raceNaiveClick, s.raceAtomicClick} {
		var wg sync.WaitGroup
		for range raceClicks {
			wg.Go(func() {
				c := visitor()
				if _, err := click(discard{}, c); err != nil {
					s.fail(discard{}, c, err)
				}
			})
		}
		wg.Wait()
	}

	sess, err := s.session(visitor())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, _ := raceOf(sess)
	done(w, r, "/race", res)
}

// resetRace sets both counts of the race to 0.
func resetRace(sess *sessions.Session) error {
	sess.Values[keyRaceNaive] = 0
	sess.Values[keyRaceAtomic] = 0
	return nil
}

// raceClick is one click of the race, the naive way or the atomic way: it
// returns the count its key holds after it.
type raceClick func(w http.ResponseWriter, r *http.Request) (int, error)

// raceNaiveClick is one click the naive way, as exercise 9 breaks the
// counter: Get the session, add one, Save it — two Datastore calls with
// nothing between them to stop another click reading the same count.
func (s *Server) raceNaiveClick(w http.ResponseWriter, r *http.Request) (int, error) {
	sess, err := s.session(r)
	if err != nil {
		return 0, err
	}
	n, _ := sess.Values[keyRaceNaive].(int)
	sess.Values[keyRaceNaive] = n + 1
	return n + 1, sess.Save(r, w)
}

// raceAtomicClick is one click through Update, as handleClick counts.
func (s *Server) raceAtomicClick(w http.ResponseWriter, r *http.Request) (int, error) {
	n := 0
	_, err := s.update(w, r, func(sess *sessions.Session) error {
		n, _ = sess.Values[keyRaceAtomic].(int)
		n++
		sess.Values[keyRaceAtomic] = n
		return nil
	})
	return n, err
}

// handleRaceReset sets both counts to 0, in one write: the start of a race
// the browser runs itself (static/race.js), one request per click.
func (s *Server) handleRaceReset(w http.ResponseWriter, r *http.Request) {
	if _, err := s.update(w, r, resetRace); err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, "/race", raceResult{Sent: raceClicks})
}

// handleRaceNaive is one naive click from the browser: one write, like
// POST /counter, so it needs no race bound.
func (s *Server) handleRaceNaive(w http.ResponseWriter, r *http.Request) {
	n, err := s.raceNaiveClick(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, "/race", map[string]int{"naive": n})
}

// handleRaceAtomic is one atomic click from the browser.
func (s *Server) handleRaceAtomic(w http.ResponseWriter, r *http.Request) {
	n, err := s.raceAtomicClick(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, "/race", map[string]int{"atomic": n})
}

// sessionID returns the id of the session r's cookie names, or "" when it
// names none (a new visitor, or a cookie the store would not accept).
func (s *Server) sessionID(r *http.Request) (string, error) {
	st, err := s.store(r.Context())
	if err != nil {
		return "", err
	}
	c, err := r.Cookie(s.cookieName())
	if err != nil {
		return "", nil
	}
	info, _ := st.Inspect(c.Name, c.Value)
	return info.ID, nil
}

// sessionCookie returns the session cookie the clicks carry: the one just
// set on w, else the one r came with (nil if none).
func sessionCookie(w http.ResponseWriter, r *http.Request, name string) *http.Cookie {
	for _, line := range w.Header().Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == name {
			return &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	c, err := r.Cookie(name)
	if err != nil {
		return nil
	}
	return c
}

// discard is the ResponseWriter of a race's clicks, whose answers nobody
// reads: the race reads the session instead.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

// raceBound is the bound of POST /race, the one route where a request
// makes many writes: one race at a time per session, racesAtOnce per
// instance. It lives in the instance: on several instances a visitor could
// run one race on each; the per-instance bound still holds on each.
type raceBound struct {
	mu      sync.Mutex
	running map[string]bool // the sessions racing now; "" is new visitors
	n       int
}

// acquire starts a race for session id ("" for a new visitor, who has no
// race running), or returns the error to answer with: errRaceRunning when
// this session races already, errRacesBusy when the instance is at its
// bound.
func (b *raceBound) acquire(id string) (release func(), err error) {
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
