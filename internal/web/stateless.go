package web

import (
	"net/http"
)

// statelessPage is the data of the stateless template: the lesson's point
// that a server variable is re-initialized on every request, beside the
// session counter that remembers.
type statelessPage struct {
	pageData
	RequestCount int // a variable of this request only
	SessionCount int // the visitor's count, from the session
	Clicked      bool
}

// handleStateless shows the two counters before any click.
func (s *Server) handleStateless(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, http.StatusOK, "stateless", statelessPage{
		pageData:     pageData{Nav: "stateless", Panel: s.newPanel(r, sess)},
		SessionCount: countOf(sess),
	})
}

// handleStatelessClick counts one click twice: in a variable that lives
// for this request only, and in the session. The page is rendered by this
// POST itself (no redirect), since a redirect would start yet another
// request and make the point for us before the visitor sees it.
func (s *Server) handleStatelessClick(w http.ResponseWriter, r *http.Request) {
	requestCount := 0 // re-initialized on every request, as the lesson says
	requestCount++

	sess, err := s.update(w, r, click)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, http.StatusOK, "stateless", statelessPage{
		pageData:     pageData{Nav: "stateless", Panel: s.newPanel(r, sess)},
		RequestCount: requestCount,
		SessionCount: countOf(sess),
		Clicked:      true,
	})
}
