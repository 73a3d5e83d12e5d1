package web

import (
	"net/http"

	"github.com/gorilla/sessions"
)

// keyCount is the session key of the instructor demo's click count.
const keyCount = "count"

// counterPage is the data of the counter template.
type counterPage struct {
	pageData
	Count int
}

// countOf reads the click count from the session, dictionary-style.
func countOf(sess *sessions.Session) int {
	n, _ := sess.Values[keyCount].(int)
	return n
}

// handleCounter shows how many times this visitor clicked.
func (s *Server) handleCounter(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]int{"count": countOf(sess)})
		return
	}
	s.renderPage(w, r, http.StatusOK, "counter", counterPage{
		pageData: pageData{Nav: "counter", Panel: s.newPanel(r, sess)},
		Count:    countOf(sess),
	})
}

// handleClick counts one click, atomically: concurrent clicks from one
// visitor are each counted.
func (s *Server) handleClick(w http.ResponseWriter, r *http.Request) {
	sess, err := s.update(w, r, click)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done(w, r, "/counter", map[string]int{"count": countOf(sess)})
}

// click is the whole of the demo's server logic. The original lesson sets
// the demo without code for it; this is the count read dictionary-style,
// plus one.
func click(sess *sessions.Session) error {
	sess.Values[keyCount] = countOf(sess) + 1
	return nil
}
