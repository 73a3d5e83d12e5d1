package web

import (
	"net/http"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/gae-lessons/sessions-go/internal/browsertest"
)

// a11yScreens are the widths the pages are checked at: a phone's, where
// code blocks scroll sideways most, and a desktop's.
var a11yScreens = []struct {
	name          string
	width, height int64
	mobile        bool
}{
	{"desktop", 1280, 800, false},
	{"phone", 390, 844, true},
}

// testEveryPageAtEachWidth loads every page of the table, new and with a
// session (the panel shows its values then), at each width, a tab for
// each, and checks each: 200, the stylesheet applied, no
// Content-Security-Policy violation (injecting axe breaks none: the page
// under test is the page as served), no WCAG 2 A or AA violation
// (axe-core), nothing wider than the screen. On the way, over plain HTTP
// (make run), a click counts, the game shows its guesses and the hint, and
// at each width the race runs from static/race.js; the second tab is given
// the first's session cookie, so it shows the same session. It saves
// screenshots of the pages with a session to artifacts/.
func testEveryPageAtEachWidth(t *testing.T, b *browsertest.Browser) {
	browsertest.AxeScript(t) // skips, or fails under CI, before a browser tab opens
	a := newApp(t)
	a.srv.class.maxAge = 0        // /class with clicks shows them, not the figures of its first view
	var session []*network.Cookie // the first tab's, once it has played
	for i, sc := range a11yScreens {
		t.Run(sc.name, func(t *testing.T) {
			p := b.NewTab(t, a.URL)
			p.Viewport(sc.width, sc.height, sc.mobile)
			console := browsertest.Watch(t, p.Ctx)
			check := func(page string) {
				t.Helper()
				if bg := p.Style("header.site", "background-color"); bg == "" || bg == "rgba(0, 0, 0, 0)" {
					t.Errorf("%s: the header's background is %q: the stylesheet did not apply", page, bg)
				}
				if n := p.Overflow(); n > 0 {
					t.Errorf("%s: the page is %d px wider than the screen", page, n)
				}
				for _, v := range browsertest.Axe(t, p) {
					t.Errorf("%s: %s", page, v)
				}
				for _, v := range console.CSP() {
					t.Errorf("%s: Content-Security-Policy violation: %s", page, v)
				}
			}
			shoot := func(name string) {
				browsertest.SaveArtifact(t, name+"-"+sc.name+".png", p.Screenshot(""))
			}
			// Every page of the table that a GET shows as HTML.
			for _, r := range samplesOf(t, func(rt route) bool { return isGet(rt) && rt.answers != files && rt.needs != cron }) {
				if status := p.Open(r.path); status != http.StatusOK {
					t.Errorf("%s: got status %d, want 200", r.path, status)
				}
				check(r.path)
			}
			if i > 0 {
				setCookies(t, p, a.URL, session)
			}
			p.Open("/counter")
			if i == 0 {
				p.Click("#click")
			}
			if got := clicks(t, p); got != 1 {
				t.Errorf("after a click: got count %d, want 1", got)
			}
			check("/counter with a session")
			shoot("counter")
			// A turn and the hint, unless the hint's first guess wins (one
			// game in 1,296).
			p.Open("/mastermind")
			for turn := 0; i == 0 && turn < 2 && p.Count("#hint-link") == 1; turn++ {
				p.Click("#hint-link")
				if turn == 0 {
					p.TypeAndEnter("#guess", p.Text("#hint strong"))
				}
			}
			check("/mastermind with guesses")
			shoot("mastermind")
			session = p.Cookies() // the session's, before the race's
			p.Open("/race")
			raceByScript(t, a, p)
			check("/race with a result")
			shoot("race")
			p.Open("/class?refresh=off") // a reload during the check would end it
			check("/class with clicks")
			shoot("class")
		})
	}
}

// setCookies gives the tab p, on the site at base, the cookies of another.
func setCookies(t *testing.T, p *browsertest.Tab, base string, cookies []*network.Cookie) {
	t.Helper()
	params := make([]*network.CookieParam, len(cookies))
	for i, c := range cookies {
		params[i] = &network.CookieParam{Name: c.Name, Value: c.Value, URL: base, HTTPOnly: c.HTTPOnly, SameSite: c.SameSite}
	}
	if _, err := chromedp.Call(p.Ctx, network.SetCookies, network.SetCookiesParams{Cookies: params}); err != nil {
		t.Fatalf("set cookies: %v", err)
	}
}

// testLessonCodeReachableByTab presses Tab through the lesson on a phone,
// where its code blocks scroll sideways, and checks that the focus lands
// on each of them in turn, with an outline to show it.
func testLessonCodeReachableByTab(t *testing.T, b *browsertest.Browser) {
	p := b.NewTab(t, newApp(t).URL)
	p.Viewport(390, 844, true)
	p.Open("/lesson")
	blocks := p.Count(".lesson pre")
	if blocks == 0 {
		t.Fatal("the lesson shows no code blocks")
	}
	// One Tab more than the page has stops goes past them all: links,
	// buttons, fields and the blocks with a tabindex.
	stops := p.Count("a[href], button, input, [tabindex]")
	reached := 0
	for range stops + 1 {
		p.Press(kb.Tab)
		if !p.Focused(".lesson pre") {
			continue
		}
		reached++
		if reached == 1 {
			if o := p.Style(".lesson pre:focus", "outline-style"); o == "none" || o == "" {
				t.Errorf("a focused code block has outline-style %q, want a visible outline", o)
			}
		}
	}
	if reached != blocks {
		t.Errorf("Tab reached %d of the lesson's %d code blocks", reached, blocks)
	}
}

// raceByScript presses the race's button on the open /race, with
// JavaScript on, and checks that static/race.js ran the race: the result
// shows without another page loading (a mark set on the window survives),
// and the race took a commit to start and one per click.
func raceByScript(t *testing.T, a *app, p *browsertest.Tab) {
	t.Helper()
	a.calls.Reset()
	err := chromedp.Do(p.Ctx,
		chromedp.Evaluate[chromedp.Void](`window.stillThisPage = true`),
		chromedp.Click(chromedp.CSS("#race")),
		chromedp.WaitVisible(chromedp.CSS("#atomic")),
	)
	if err != nil {
		t.Fatalf("race by script: %v", err)
	}
	marked, err := chromedp.Run(p.Ctx, chromedp.Evaluate[bool](`window.stillThisPage === true`))
	if err != nil {
		t.Fatal(err)
	}
	if !marked {
		t.Errorf("the race loaded another page: the script did not run it")
	}
	checkRaceResult(t, p)
	if got, want := a.calls.Calls()["Commit"], 1+2*raceClicks; got != want {
		t.Errorf("got %d commits, want %d: the race's start and one per click", got, want)
	}
}
