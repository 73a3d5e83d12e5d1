package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/gae-lessons/sessions-go/internal/browsertest"
)

// TestBrowser drives the app in a real, headless Chromium, as a person
// would: it clicks buttons and links and types into fields. It checks what
// only a browser shows (that the cookie is kept and sent back, that forms
// and static/race.js work, the pages' layout and accessibility); what the
// server answers is the HTTP tests'. One browser serves every subtest and
// stops when they end, so no TestMain hook is needed; each subtest has an
// app instance of its own, and tabs in browser contexts of their own (no
// shared cookies). The subtests run one after another: in parallel they
// were slower on two cores. The test itself runs beside the others, whose
// outages mostly wait.
func TestBrowser(t *testing.T) {
	t.Parallel()
	b := browsertest.Start(t)
	t.Run("visit/clicksGuessRaceAndEnd", func(t *testing.T) { testVisit(t, b) })
	t.Run("csp/violationsAreSeen", func(t *testing.T) { testViolationsAreSeen(t, b) })
	t.Run("pages/everyPageAtEachWidth", func(t *testing.T) { testEveryPageAtEachWidth(t, b) })
	t.Run("a11y/lessonCodeReachableByTab", func(t *testing.T) { testLessonCodeReachableByTab(t, b) })
}

// testVisit is one visitor's visit, in one tab, to an instance set up as
// on App Engine: Secure, so the cookie is __Host-session (Chromium counts
// http://127.0.0.1 as a secure origin, so it keeps such a cookie there as
// it would over App Engine's HTTPS). Clicks survive a reload; the hint
// fills the guess field and Enter plays it; the session is one cookie; the
// race works with JavaScript off, from its form; and the panel's button
// ends the session.
func testVisit(t *testing.T, b *browsertest.Browser) {
	p := b.NewTab(t, startApp(t, withSecure(testConfig(t), true)).URL)
	p.Open("/counter")
	if got := clicks(t, p); got != 0 {
		t.Fatalf("new visitor: got count %d, want 0", got)
	}
	for want := 1; want <= 2; want++ {
		if status, path := p.Click("#click"); status != http.StatusOK || path != "/counter" {
			t.Fatalf("click %d: landed on %s with status %d, want /counter with 200", want, path, status)
		}
		if got := clicks(t, p); got != want {
			t.Fatalf("after click %d: got count %d, want %d", want, got, want)
		}
	}
	p.Reload()
	if got := clicks(t, p); got != 2 {
		t.Errorf("after reload: got count %d, want 2", got)
	}

	p.Open("/mastermind")
	p.Click("#hint-link")
	hint := p.Text("#hint strong")
	if got := p.Value("#guess"); got != hint {
		t.Errorf("the hint page prefilled %q, want the hint %q", got, hint)
	}
	if status := p.TypeAndEnter("#guess", hint); status != http.StatusOK {
		t.Fatalf("guess %s: got status %d, want 200", hint, status)
	}
	if got := p.Count(".row:not(.empty)"); got != 1 {
		t.Fatalf("the board shows %d guesses, want 1", got)
	}
	checkSessionCookie(t, p.Cookies())

	if _, err := chromedp.Call(p.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	p.Open("/race")
	if got := p.Count("#naive, #atomic"); got != 0 {
		t.Fatalf("before the first race: the page shows %d counts, want none", got)
	}
	if status, path := p.Click("#race"); status != http.StatusOK || path != "/race" {
		t.Fatalf("race: landed on %s with status %d, want /race with 200", path, status)
	}
	checkRaceResult(t, p)
	if got := p.Count(`a[href="/lesson#7-two-clicks-at-once-the-lost-update"]`); got != 1 {
		t.Errorf("the race page has %d links to the lesson's section 7, want 1", got)
	}

	if status, path := p.Click(`.panel form[action="/session/end"] button`); status != http.StatusOK || path != "/" {
		t.Errorf("end session: landed on %s with status %d, want / with 200", path, status)
	}
	if c := p.Cookies(); len(c) != 0 {
		t.Errorf("after ending: the browser still holds %d cookies (%s=...)", len(c), c[0].Name)
	}
	p.Open("/counter")
	if got := clicks(t, p); got != 0 {
		t.Errorf("after ending: got count %d, want 0", got)
	}
	p.Open("/mastermind")
	if got := p.Count(".row:not(.empty)"); got != 0 {
		t.Errorf("after ending: the board shows %d guesses, want a new game", got)
	}
}

// checkSessionCookie checks that the browser holds the session in one
// cookie and keeps it as an App Engine instance sets it: the __Host- name,
// flags that keep it from scripts and other sites, host-only, and lasting
// beyond the browser's session. (What it carries and when it expires are
// the store's: sessionstore's TestStore_Save_cookie.)
func checkSessionCookie(t *testing.T, cookies []*network.Cookie) {
	t.Helper()
	if len(cookies) != 1 {
		t.Fatalf("got %d cookies, want 1", len(cookies))
	}
	c := cookies[0]
	// A host-only cookie: Chromium shows no leading dot.
	if c.Name != hostCookieName || !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax || c.Path != "/" || !c.Secure ||
		strings.HasPrefix(c.Domain, ".") || c.Session {
		t.Errorf("got cookie %s HttpOnly=%v SameSite=%s Path=%s Secure=%v Domain=%s Session=%v, want %s HttpOnly=true SameSite=Lax Path=/ Secure=true, host-only, not a session cookie",
			c.Name, c.HTTPOnly, c.SameSite, c.Path, c.Secure, c.Domain, c.Session, hostCookieName)
	}
}

// checkRaceResult checks the race's result on the open /race: atomic kept
// every click; naive kept from 1 to all of them, which is chance, so its
// figure is logged, not asserted.
func checkRaceResult(t *testing.T, p *browsertest.Tab) {
	t.Helper()
	if got := p.Text("#atomic"); got != fmt.Sprintf("%d of %d counted", raceClicks, raceClicks) {
		t.Errorf("atomic: got %q, want %d of %d counted", got, raceClicks, raceClicks)
	}
	naive, err := strconv.Atoi(p.Text("#naive .num"))
	if err != nil || naive < 1 || naive > raceClicks {
		t.Errorf("naive: got %q counted, want a number from 1 to %d", p.Text("#naive .num"), raceClicks)
	}
	t.Logf("naive kept %d of %d", naive, raceClicks)
}

// clicks returns the click count the counter page shows.
func clicks(tb testing.TB, p *browsertest.Tab) int {
	tb.Helper()
	s := p.Text("#count .num")
	n, err := strconv.Atoi(s)
	if err != nil {
		tb.Fatalf("the count %q is not a number", s)
	}
	return n
}

// testViolationsAreSeen shows that testEveryPageAtEachWidth would see a
// violation: a page under the app's policy with an inline style and script.
func testViolationsAreSeen(t *testing.T, b *browsertest.Browser) {
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
		fmt.Fprint(w, `<!doctype html><p style="color: red">inline</p><script>document.title = "x"</script>`)
	}))
	t.Cleanup(bad.Close)
	p := b.NewTab(t, bad.URL)
	console := browsertest.Watch(t, p.Ctx)
	p.Open("/")
	if got := console.CSP(); len(got) < 2 {
		t.Errorf("got CSP reports %q, want the inline style and script reported", got)
	}
}
