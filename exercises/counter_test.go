//go:build exercise

package exercises

import (
	"net/url"
	"regexp"
	"strconv"
	"testing"
)

// Exercise 1: a Reset button that sets the count back to 0, and nothing
// else of the session.
func TestExercise1(t *testing.T) {
	a := start(t, 1)
	you := a.visitor()
	you.click("/counter")
	you.click("/counter")
	if n := you.count(); n != 2 {
		a.fail("two clicks on /counter made the count %d, not 2: the counter itself is broken; run go test -run Counter ./internal/web", n)
	}
	you.json("POST", "/mastermind/guess", url.Values{"guess": {"1122"}}, &game{})
	a.pass("two clicks on /counter and a Mastermind guess are kept in your session (count 2, one guess)")

	you.do("POST", "/counter/reset", url.Values{}, false)
	a.pass("POST /counter/reset, as the counter page's form sends it, is accepted (303 back to the page, or 200)")

	if n := you.count(); n != 0 {
		a.fail("after POST /counter/reset the count is %d, not 0: does the function the handler passes to s.update delete the count, delete(sess.Values, keyCount)?", n)
	}
	a.pass("after the reset, GET /counter says the count is 0")

	var g game
	you.json("GET", "/mastermind", nil, &g)
	if len(g.Turns) != 1 {
		a.fail("after the reset the Mastermind game has %d guesses, not 1: reset only the count, delete(sess.Values, keyCount), not the whole session", len(g.Turns))
	}
	a.pass("the reset leaves the rest of the session alone: the Mastermind game still has its guess")

	you.click("/counter")
	if n := you.count(); n != 1 {
		a.fail("a click after the reset made the count %d, not 1: the reset should leave no count behind (or 0, which countOf reads as 0)", n)
	}
	a.pass("a click after the reset counts from 1 again")

	for _, f := range a.forms("/counter") {
		if f.method == "post" && f.action == "/counter/reset" {
			a.pass(`the counter page has a Reset button: a <form method="post" action="/counter/reset">`)
			return
		}
	}
	a.fail(`the counter page has no <form method="post" action="/counter/reset">: add the Reset button to templates/counter.html`)
}

// Exercise 4: /counter and /stateless keep a count each, whether in one
// key per page or in one map.
func TestExercise4(t *testing.T) {
	a := start(t, 4)
	you := a.visitor()
	you.click("/counter")
	you.click("/counter")
	wantCounter(you, 2, "after 2 clicks on /counter")
	a.pass("two clicks on /counter make its count 2")

	_, page := you.do("POST", "/stateless", url.Values{}, false)
	if n := sessionCount(you, page); n != 1 {
		a.fail("after 2 clicks on /counter, a click on /stateless shows the session count %d, not 1: both pages still share sess.Values[\"count\"]; give each page a count of its own (a key per page, or a map[string]int)", n)
	}
	a.pass("a click on /stateless then shows its own session count, 1")

	wantCounter(you, 2, "after 2 clicks on /counter and 1 on /stateless")
	a.pass("/counter's count is still 2 after the click on /stateless")
	wantStateless(you, 1, "after 2 clicks on /counter and 1 on /stateless")
	a.pass("GET /stateless shows its own count, 1")

	you.click("/counter")
	wantCounter(you, 3, "after 3 clicks on /counter and 1 on /stateless")
	wantStateless(you, 1, "after 3 clicks on /counter and 1 on /stateless")
	a.pass("a third click on /counter makes 3 and leaves /stateless at 1")
}

func wantCounter(v *visitor, want int, when string) {
	if n := v.count(); n != want {
		v.a.fail("%s, GET /counter says the count is %d, not %d: each page must count only its own clicks", when, n, want)
	}
}

func wantStateless(v *visitor, want int, when string) {
	if n := sessionCount(v, v.page("/stateless")); n != want {
		v.a.fail("%s, GET /stateless shows the session count %d, not %d: each page must count only its own clicks", when, n, want)
	}
}

// sessionCount reads the session count a /stateless page shows.
func sessionCount(v *visitor, page string) int {
	m := regexp.MustCompile(`(?s)id="session-count"[^>]*>.*?(\d+)`).FindStringSubmatch(page)
	if m == nil {
		v.a.fail(`a /stateless page shows no session count (the element id="session-count" of templates/stateless.html): keep it`)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// Exercise 5: "Click counted" on the page after a click, once; in the
// session (a flash, saved after reading) or in the redirect
// (/counter?clicked=1).
func TestExercise5(t *testing.T) {
	// The message, however it is capitalised or worded around ("Your
	// click was counted").
	flash := regexp.MustCompile(`(?i)\bclick\b.{0,12}\bcounted\b`)
	a := start(t, 5)
	you := a.visitor()
	if flash.MatchString(text(you.page("/counter"), false)) {
		a.fail(`/counter says "Click counted" before any click: show the message only after a click`)
	}
	a.pass(`a first visit to /counter says nothing of a click counted`)

	resp, page := you.do("POST", "/counter", url.Values{}, false)
	shown := "the answer to POST /counter"
	if resp.StatusCode >= 300 {
		loc, err := resp.Location()
		if err != nil {
			a.fail(`POST /counter answered %d without a Location to go to: redirect with http.Redirect(w, r, "/counter", http.StatusSeeOther), as done() does`, resp.StatusCode)
		}
		page, shown = you.page(loc.RequestURI()), "the page it leads to, "+loc.RequestURI()+","
	}
	if !flash.MatchString(text(page, false)) {
		a.fail(`after a click, %s does not say "Click counted": add the message in the click (sess.AddFlash, or a redirect to /counter?clicked=1) and show it in templates/counter.html`, shown)
	}
	a.pass(`after a click (POST /counter and the page it leads to), the page says "Click counted"`)

	if flash.MatchString(text(you.page("/counter"), false)) {
		a.fail(`the next GET /counter still says "Click counted": the message must show once; sess.Flashes() removes it from the session in memory only, so save the session after reading it (sess.Save), or carry it in the redirect instead`)
	}
	a.pass(`the next page, GET /counter, no longer says it`)

	if n := you.count(); n != 1 {
		a.fail("after one click GET /counter says the count is %d, not 1: the message must not change how clicks are counted", n)
	}
	a.pass("the click was counted: GET /counter says the count is 1")

	you.do("POST", "/counter", url.Values{}, false)
	if flash.MatchString(text(a.visitor().page("/counter"), false)) {
		a.fail(`a new visitor, with no cookie, sees "Click counted" after someone else's click: the message is kept in the server, not in the visitor's session or redirect`)
	}
	a.pass("another visitor, after your click, sees no message")
}
