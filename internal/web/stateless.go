package web

import (
	"net/http"
)

// statelessPage is the data of the stateless template: a variable made
// anew on every request, beside the session counter that remembers. The
// original lesson says a server's "data members" are re-initialized on each
// request, as they were in Python's webapp, which built a new handler
// object per request. In Go only a handler's local variables are: the
// fields of Server live as long as the process, like package variables,
// which is why no visitor's data is kept in them.
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
	requestCount := 0 // a local variable: made anew on every request
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
