package exercise

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Exercise 5: "Click counted" on the page after a click, once; in the
// session (a flash, saved after reading) or in the redirect
// (/counter?clicked=1).

// flashText is the message, however it is capitalised or worded around
// ("Click counted", "Your click was counted").
var flashText = regexp.MustCompile(`(?i)\bclick\b.{0,12}\bcounted\b`)

var flashSteps = []Step{
	{
		What: `a first visit to /counter says nothing of a click counted`,
		Do: func(r *Run) error {
			p, err := r.Visitor("you").page("/counter")
			if err != nil {
				return err
			}
			if flashText.MatchString(p.Text()) {
				return missf(`/counter says "Click counted" before any click: show the message only after a click`)
			}
			return nil
		},
	},
	{
		What: `after a click (POST /counter and the page it leads to), the page says "Click counted"`,
		Do: func(r *Run) error {
			v := r.Visitor("you")
			a, err := v.Post("/counter", url.Values{}, false)
			if err != nil {
				return err
			}
			if !a.OK() {
				return a.Unexpected()
			}
			shown := "the answer to POST /counter"
			if a.Status >= 300 {
				if a, err = v.Follow(a); err != nil {
					return err
				}
				if a.Status != http.StatusOK {
					return a.Unexpected()
				}
				shown = "the page it leads to, " + strings.TrimPrefix(a.Req, "GET ") + ","
			}
			p, err := a.page()
			if err != nil {
				return err
			}
			if !flashText.MatchString(p.Text()) {
				return missf(`after a click, %s does not say "Click counted": add the message in the click (sess.AddFlash, or a redirect to /counter?clicked=1) and show it in templates/counter.html`, shown)
			}
			return nil
		},
	},
	{
		What: `the next page, GET /counter, no longer says it`,
		Do: func(r *Run) error {
			p, err := r.Visitor("you").page("/counter")
			if err != nil {
				return err
			}
			if flashText.MatchString(p.Text()) {
				return missf(`the next GET /counter still says "Click counted": the message must show once; sess.Flashes() removes it from the session in memory only, so save the session after reading it (sess.Save), or carry it in the redirect instead`)
			}
			return nil
		},
	},
	{
		What: "the click was counted: GET /counter says the count is 1",
		Do: func(r *Run) error {
			n, err := r.Visitor("you").count()
			if err != nil {
				return err
			}
			if n != 1 {
				return missf("after one click GET /counter says the count is %d, not 1: the message must not change how clicks are counted", n)
			}
			return nil
		},
	},
	{
		What: "another visitor, after your click, sees no message",
		Do: func(r *Run) error {
			a, err := r.Visitor("you").Post("/counter", url.Values{}, false)
			if err != nil {
				return err
			}
			if !a.OK() {
				return a.Unexpected()
			}
			p, err := r.Stranger().page("/counter")
			if err != nil {
				return err
			}
			if flashText.MatchString(p.Text()) {
				return missf(`a new visitor, with no cookie, sees "Click counted" after someone else's click: the message is kept in the server, not in the visitor's session or redirect`)
			}
			return nil
		},
	},
}
