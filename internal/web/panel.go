package web

import (
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/gorilla/sessions"

	"github.com/gae-lessons/sessions-go/mastermind"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// sessionPanel is "What is in my session": the values as the server holds
// them, and the cookie as the browser sent it, decoded. The cookie's value
// is never shown (contract): whoever has it has the session.
type sessionPanel struct {
	Values  []panelValue
	Cookies []panelCookie // the session cookies this request carried
}

type panelValue struct {
	Key, Value string
}

// panelCookie is one session cookie the browser sent, as the student may
// see it: what it holds, abbreviated, and never its text.
type panelCookie struct {
	Name  string
	Size  int  // bytes of the value
	Valid bool // signed by this server, unexpired; the rest is set only then
	// SignedAt is when the server signed it, in UTC.
	SignedAt time.Time
	// IDStart is the first few hex digits of the session id: enough to
	// tell two sessions apart, far too few to be the session.
	IDStart  string
	IDBytes  int
	MACBytes int
}

// idShown is how many hex digits of the session id the panel shows.
const idShown = 6

// newPanel describes sess for the visitor. The Mastermind secret is shown
// only once its game is over: the panel must not be a way to cheat.
func (s *Server) newPanel(r *http.Request, sess *sessions.Session) *sessionPanel {
	p := &sessionPanel{}
	if sess == nil {
		return p
	}
	p.Cookies = panelCookies(r, sess)
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

// panelCookies decodes the session cookies the store read for this request
// (Store.Cookies: at most a few, however many were sent), with the store
// that made sess, which alone has the keys to verify them.
func panelCookies(r *http.Request, sess *sessions.Session) []panelCookie {
	st, ok := sess.Store().(*sessionstore.Store) // always, in this app
	if !ok {
		return nil
	}
	var cookies []panelCookie
	for _, c := range st.Cookies(r, sess.Name()) {
		pc := panelCookie{Name: c.Name, Size: len(c.Value)}
		if info, ok := st.Inspect(c.Name, c.Value); ok {
			pc.Valid = true
			pc.SignedAt = info.SignedAt.UTC()
			pc.IDStart = info.ID[:min(idShown, len(info.ID))]
			pc.IDBytes = len(info.ID) / 2
			pc.MACBytes = info.MACLength
		}
		cookies = append(cookies, pc)
	}
	return cookies
}
