package web

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/mastermind"
)

// sessionPanel is "What is in my session": the values as the server holds
// them, and the cookie as the browser sent it.
type sessionPanel struct {
	Values     []panelValue
	Cookie     string // the cookie as this request carried it; empty if none
	CookieSize int    // bytes of "name=value"
}

type panelValue struct {
	Key, Value string
}

// newPanel describes sess for the visitor. The Mastermind secret is shown
// only once its game is over: the panel must not be a way to cheat.
func (s *Server) newPanel(r *http.Request, sess *sessions.Session) *sessionPanel {
	p := &sessionPanel{}
	if c, err := r.Cookie(s.cookieName()); err == nil {
		p.Cookie = c.Name + "=" + c.Value
		p.CookieSize = len(p.Cookie)
	}
	if sess == nil {
		return p
	}
	over := false
	if g, ok := gameOf(sess); ok {
		over = g.Status() != mastermind.Playing
	}
	for k, v := range sess.Values {
		pv := panelValue{Key: fmt.Sprint(k), Value: fmt.Sprint(v)}
		if pv.Key == keySecret && !over {
			pv.Value = "(hidden while the game is on)"
		}
		p.Values = append(p.Values, pv)
	}
	sort.Slice(p.Values, func(i, j int) bool { return p.Values[i].Key < p.Values[j].Key })
	return p
}
