package web

import (
	"testing"

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

// testNoWCAGViolations checks every page with axe-core's WCAG 2 A and AA
// rules, new and with a session (the panel shows its values then), at each
// width. It also checks that injecting axe broke none of the page's
// Content-Security-Policy: the page under test is the page as served.
func testNoWCAGViolations(t *testing.T, b *browsertest.Browser) {
	browsertest.AxeScript(t) // skips, or fails under CI, before a browser tab opens
	for _, sc := range a11yScreens {
		t.Run(sc.name, func(t *testing.T) {
			p := b.NewTab(t, newApp(t).URL)
			p.Viewport(sc.width, sc.height, sc.mobile)
			console := browsertest.Watch(t, p.Ctx)
			check := func(page string) {
				t.Helper()
				for _, v := range browsertest.Axe(t, p) {
					t.Errorf("%s: %s", page, v)
				}
				for _, e := range console.Entries() {
					if e.CSP {
						t.Errorf("%s: Content-Security-Policy violation: %s", page, e)
					}
				}
			}
			for _, path := range []string{"/", "/lesson", "/stateless", "/counter", "/mastermind", "/mastermind/hint", "/race", "/class?refresh=off"} {
				p.Open(path)
				check(path)
			}
			p.Open("/counter")
			p.Click("#click")
			check("/counter with a session")
			p.Open("/mastermind")
			p.TypeAndEnter("#guess", "1122")
			check("/mastermind with a guess")
			p.Open("/race")
			raceByScript(t, p)
			check("/race with a result")
			p.Open("/class?refresh=off") // a reload during the check would end it
			check("/class with clicks")
		})
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
