package exercise

import (
	"net/http"
	"net/url"
)

// Exercise 4: /counter and /stateless keep a count each, whether in one
// key per page or in one map.

var perPageSteps = []Step{
	{
		What: "two clicks on /counter make its count 2",
		Do: func(r *Run) error {
			v := r.Visitor("you")
			for range 2 {
				if err := v.click("/counter"); err != nil {
					return err
				}
			}
			return wantCounter(v, 2, "after 2 clicks on /counter")
		},
	},
	{
		What: "a click on /stateless then shows its own session count, 1",
		Do: func(r *Run) error {
			a, err := r.Visitor("you").Post("/stateless", url.Values{}, false)
			if err != nil {
				return err
			}
			if a.Status != http.StatusOK {
				return a.Unexpected()
			}
			n, err := statelessCount(a)
			if err != nil {
				return err
			}
			if n != 1 {
				return missf("after 2 clicks on /counter, a click on /stateless shows the session count %d, not 1: both pages still share sess.Values[\"count\"]; give each page a count of its own (a key per page, or a map[string]int)", n)
			}
			return nil
		},
	},
	{
		What: "/counter's count is still 2 after the click on /stateless",
		Do: func(r *Run) error {
			return wantCounter(r.Visitor("you"), 2, "after 2 clicks on /counter and 1 on /stateless")
		},
	},
	{
		What: "GET /stateless shows its own count, 1",
		Do: func(r *Run) error {
			return wantStateless(r.Visitor("you"), 1, "after 2 clicks on /counter and 1 on /stateless")
		},
	},
	{
		What: "a third click on /counter makes 3 and leaves /stateless at 1",
		Do: func(r *Run) error {
			v := r.Visitor("you")
			if err := v.click("/counter"); err != nil {
				return err
			}
			if err := wantCounter(v, 3, "after 3 clicks on /counter and 1 on /stateless"); err != nil {
				return err
			}
			return wantStateless(v, 1, "after 3 clicks on /counter and 1 on /stateless")
		},
	},
}

func wantCounter(v *Visitor, want int, when string) error {
	n, err := v.count()
	if err != nil {
		return err
	}
	if n != want {
		return missf("%s, GET /counter says the count is %d, not %d: each page must count only its own clicks", when, n, want)
	}
	return nil
}

func wantStateless(v *Visitor, want int, when string) error {
	a, err := v.Get("/stateless", false)
	if err != nil {
		return err
	}
	if a.Status != http.StatusOK {
		return a.Unexpected()
	}
	n, err := statelessCount(a)
	if err != nil {
		return err
	}
	if n != want {
		return missf("%s, GET /stateless shows the session count %d, not %d: each page must count only its own clicks", when, n, want)
	}
	return nil
}

// statelessCount reads the session count a /stateless page shows.
func statelessCount(a *Answer) (int, error) {
	p, err := a.page()
	if err != nil {
		return 0, err
	}
	n, ok := p.number("session-count")
	if !ok {
		return 0, missf(`the /stateless page answered by %s shows no session count (the element id="session-count" of templates/stateless.html): keep it`, a.Req)
	}
	return n, nil
}
