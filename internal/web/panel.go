package web

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

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

// newPanel describes sess for the visitor. The Mastermind secret stays
// hidden while its game is on: the panel must not be a way to cheat.
func newPanel(r *http.Request, sess *sessions.Session) *sessionPanel {
	p := &sessionPanel{}
	if c, err := r.Cookie(cookieName); err == nil {
		p.Cookie = c.Name + "=" + c.Value
		p.CookieSize = len(p.Cookie)
	}
	if sess == nil {
		return p
	}
	playing := false
	if g, ok := gameOf(sess); ok {
		playing = g.Status() == mastermind.Playing
	}
	for k, v := range sess.Values {
		pv := panelValue{Key: fmt.Sprint(k), Value: describe(v)}
		if pv.Key == keySecret && playing {
			pv.Value = "(hidden while the game is on)"
		}
		p.Values = append(p.Values, pv)
	}
	sort.Slice(p.Values, func(i, j int) bool { return p.Values[i].Key < p.Values[j].Key })
	return p
}

// describe writes a session value the way a reader of the lesson expects.
func describe(v any) string {
	switch v := v.(type) {
	case mastermind.Code:
		return v.String()
	case []mastermind.Turn:
		parts := make([]string, len(v))
		for i, t := range v {
			parts[i] = fmt.Sprintf("%s (%d black, %d white)", t.Guess, t.Black, t.White)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	default:
		return fmt.Sprintf("%v", v)
	}
}
