package exercise

import (
	"net/url"
)

// Exercise 1: a Reset button that sets the count back to 0, and nothing
// else of the session.
var resetSteps = []Step{
	{
		What: "two clicks on /counter and a Mastermind guess are kept in your session (count 2, one guess)",
		Do: func(r *Run) error {
			v := r.Visitor("you")
			for range 2 {
				if err := v.click("/counter"); err != nil {
					return err
				}
			}
			if n, err := v.count(); err != nil {
				return err
			} else if n != 2 {
				return missf("two clicks on /counter made the count %d, not 2: the counter itself is broken; run go test -run Counter ./internal/web", n)
			}
			_, err := v.guess("1122")
			return err
		},
	},
	{
		What: "POST /counter/reset, as the counter page's form sends it, is accepted (303 back to the page, or 200)",
		Do: func(r *Run) error {
			a, err := r.Visitor("you").Post("/counter/reset", url.Values{}, false)
			if err != nil {
				return err
			}
			if !a.OK() {
				return a.Unexpected()
			}
			return nil
		},
	},
	{
		What: "after the reset, GET /counter says the count is 0",
		Do: func(r *Run) error {
			n, err := r.Visitor("you").count()
			if err != nil {
				return err
			}
			if n != 0 {
				return missf("after POST /counter/reset the count is %d, not 0: does the function the handler passes to s.update delete the count, delete(sess.Values, keyCount)?", n)
			}
			return nil
		},
	},
	{
		What: "the reset leaves the rest of the session alone: the Mastermind game still has its guess",
		Do: func(r *Run) error {
			g, err := r.Visitor("you").game()
			if err != nil {
				return err
			}
			if len(g.Turns) != 1 {
				return missf("after the reset the Mastermind game has %d guesses, not 1: reset only the count, delete(sess.Values, keyCount), not the whole session", len(g.Turns))
			}
			return nil
		},
	},
	{
		What: "a click after the reset counts from 1 again",
		Do: func(r *Run) error {
			v := r.Visitor("you")
			if err := v.click("/counter"); err != nil {
				return err
			}
			if n, err := v.count(); err != nil {
				return err
			} else if n != 1 {
				return missf("a click after the reset made the count %d, not 1: the reset should leave no count behind (or 0, which countOf reads as 0)", n)
			}
			return nil
		},
	},
	{
		What: `the counter page has a Reset button: a <form method="post" action="/counter/reset">`,
		Do: func(r *Run) error {
			p, err := r.Visitor("you").page("/counter")
			if err != nil {
				return err
			}
			for _, f := range p.Forms("/counter") {
				if f.Method == "post" && f.Action == "/counter/reset" {
					return nil
				}
			}
			return missf(`the counter page has no <form method="post" action="/counter/reset">: add the Reset button to templates/counter.html`)
		},
	},
}
