package web

import "net/http"

// handleHome is the lesson's home: what sessions are and the demos.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	s.renderPage(w, r, http.StatusOK, "home", pageData{Nav: "home"})
}
