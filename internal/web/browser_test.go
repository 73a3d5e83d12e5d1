package web

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/gorilla/securecookie"

	"github.com/gae-lessons/sessions-go/internal/browsertest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// TestBrowser drives the app in a real, headless Chromium, as a person
// would: it clicks buttons and links and types into fields. One browser
// serves every subtest and stops when they end, so no TestMain hook is
// needed; each subtest has a tab in a browser context of its own (no shared
// cookies) on an app instance of its own. The subtests run one after
// another: in parallel they were slower on two cores.
func TestBrowser(t *testing.T) {
	b := browsertest.Start(t)
	t.Run("counter/clicksCountAndSurviveReload", func(t *testing.T) { testCounterClicks(t, b) })
	t.Run("mastermind/hintsWinWithinFive", func(t *testing.T) { testMastermindWin(t, b) })
	t.Run("mastermind/tenWrongGuessesLose", func(t *testing.T) { testMastermindLose(t, b) })
	t.Run("race/worksWithoutJavaScript", func(t *testing.T) { testRaceWithoutJavaScript(t, b) })
	t.Run("race/javaScriptSendsRealRequests", func(t *testing.T) { testRaceWithJavaScript(t, b) })
	t.Run("class/worksWithoutJavaScript", func(t *testing.T) { testClassWithoutJavaScript(t, b) })
	t.Run("session/endResetsCounterAndGame", func(t *testing.T) { testEndSession(t, b) })
	t.Run("session/cookieFlags", func(t *testing.T) { testCookieFlags(t, b) })
	t.Run("csp/violationsAreSeen", func(t *testing.T) { testViolationsAreSeen(t, b) })
	t.Run("pages/everyPageAtEachWidth", func(t *testing.T) { testEveryPageAtEachWidth(t, b) })
	t.Run("a11y/lessonCodeReachableByTab", func(t *testing.T) { testLessonCodeReachableByTab(t, b) })
}

func testCounterClicks(t *testing.T, b *browsertest.Browser) {
	p := b.NewTab(t, newApp(t).URL)
	p.Open("/counter")
	if got := clicks(t, p); got != 0 {
		t.Fatalf("new visitor: got count %d, want 0", got)
	}
	for want := 1; want <= 3; want++ {
		if status, path := p.Click("#click"); status != http.StatusOK || path != "/counter" {
			t.Fatalf("click %d: landed on %s with status %d, want /counter with 200", want, path, status)
		}
		if got := clicks(t, p); got != want {
			t.Fatalf("after click %d: got count %d, want %d", want, got, want)
		}
	}
	p.Reload()
	if got := clicks(t, p); got != 3 {
		t.Errorf("after reload: got count %d, want 3", got)
	}
}

// testClassWithoutJavaScript clicks, then reads the class view with
// JavaScript off, as the page is meant to work: counts, chart and QR code
// are in the HTML as served.
func testClassWithoutJavaScript(t *testing.T, b *browsertest.Browser) {
	p := b.NewTab(t, newApp(t).URL)
	p.Open("/counter")
	p.Click("#click")
	p.Click("#click")
	if _, err := chromedp.Call(p.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	if status := p.Open("/class?refresh=off"); status != http.StatusOK {
		t.Fatalf("got status %d, want 200", status)
	}
	for sel, want := range map[string]string{"#sessions": "1", "#clickers": "1", "#clicks": "2"} {
		if got := p.Text(sel); got != want {
			t.Errorf("%s: got %q, want %q", sel, got, want)
		}
	}
	if got := p.Count("#chart .bar"); got != 2 {
		t.Errorf("the chart has %d bars, want 2 (counts 1 and 2)", got)
	}
	if got := p.Count(".qr svg path"); got != 1 {
		t.Errorf("the page has %d QR codes, want 1", got)
	}
	browsertest.SaveArtifact(t, "class-no-javascript.png", p.Screenshot(""))
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

func testMastermindWin(t *testing.T, b *browsertest.Browser) {
	p := b.NewTab(t, newApp(t).URL)
	p.Open("/mastermind")

	board := p.HTML("section.board")
	if status := p.TypeAndEnter("#guess", "12a4"); status != http.StatusBadRequest {
		t.Errorf("invalid guess: got status %d, want 400", status)
	}
	if msg := p.Text("#message"); !strings.Contains(msg, "12a4") {
		t.Errorf("invalid guess: got message %q, want one that names 12a4", msg)
	}
	if got := p.HTML("section.board"); got != board {
		t.Errorf("invalid guess changed the board:\n got %s\nwant %s", got, board)
	}

	for turn := 1; turn <= 5 && p.Count(".status-won") == 0; turn++ {
		p.Click("#hint-link")
		hint := p.Text("#hint strong")
		if got := p.Value("#guess"); got != hint {
			t.Errorf("turn %d: the hint page prefilled %q, want the hint %q", turn, got, hint)
		}
		if status := p.TypeAndEnter("#guess", hint); status != http.StatusOK {
			t.Fatalf("turn %d: guess %s: got status %d, want 200", turn, hint, status)
		}
		if got := p.Count(".row:not(.empty)"); got != turn {
			t.Fatalf("turn %d: the board shows %d guesses, want %d", turn, got, turn)
		}
	}
	if got := p.Text("#status"); !strings.Contains(got, "won") {
		t.Fatalf("after following the hints 5 times: got status %q, want a win", got)
	}
	if got := p.Count("#secret .peg"); got != 4 {
		t.Errorf("the won game shows %d secret pegs, want 4", got)
	}
	browsertest.SaveArtifact(t, "mastermind-won.png", p.Screenshot("section.board"))
}

func testMastermindLose(t *testing.T, b *browsertest.Browser) {
	p := b.NewTab(t, newApp(t).URL)
	p.Open("/mastermind")
	wrong := []string{"1111", "2222", "3333", "4444", "5555", "6666", "1212", "3434", "5656", "1234"}
	for game := 1; ; game++ {
		if game > 3 {
			t.Fatal("won 3 games in a row by chance; want a loss")
		}
		for i, guess := range wrong {
			p.Type("#guess", guess)
			if status, _ := p.Click("form.guess button[type=submit]"); status != http.StatusOK {
				t.Fatalf("guess %d (%s): got status %d, want 200", i+1, guess, status)
			}
			if p.Count(".status-won") == 1 {
				break
			}
		}
		if p.Count(".status-won") == 0 {
			break
		}
		t.Logf("game %d was won by chance; starting a new one", game)
		p.Click("#new-game")
	}
	if got := p.Text("#status"); !strings.Contains(got, "Game over") {
		t.Errorf("after 10 wrong guesses: got status %q, want Game over", got)
	}
	if got := p.Count("#secret .peg"); got != 4 {
		t.Errorf("the lost game shows %d secret pegs, want 4", got)
	}
	if p.Count("#guess") != 0 {
		t.Errorf("the lost game still offers the guess field")
	}
}

func testEndSession(t *testing.T, b *browsertest.Browser) {
	p := b.NewTab(t, newApp(t).URL)
	p.Open("/counter")
	p.Click("#click")
	p.Click("#click")
	p.Open("/mastermind")
	p.TypeAndEnter("#guess", "1122")
	if got := p.Count(".row:not(.empty)"); got != 1 {
		t.Fatalf("before ending: the board shows %d guesses, want 1", got)
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
	if got := p.Text("#status"); !strings.Contains(got, "10 guesses left") {
		t.Errorf("after ending: got status %q, want 10 guesses left", got)
	}
}

func testCookieFlags(t *testing.T, b *browsertest.Browser) {
	tests := []struct {
		name       string
		wantSecure bool   // Config.Secure, as on App Engine
		wantName   string // __Host- wherever the cookie is Secure
	}{
		{"local", false, "session"},
		// Chromium counts http://127.0.0.1 as a secure origin, so it keeps a
		// Secure cookie there, __Host- prefix and all, as it would over App
		// Engine's HTTPS.
		{"appEngine", true, "__Host-session"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Secure = tt.wantSecure
			p := b.NewTab(t, startApp(t, cfg).URL)
			p.Open("/counter")
			p.Click("#click")
			cookies := p.Cookies()
			if len(cookies) != 1 {
				t.Fatalf("got %d cookies, want 1", len(cookies))
			}
			c := cookies[0]
			if c.Name != tt.wantName || !c.HTTPOnly || c.SameSite != network.CookieSameSiteLax || c.Path != "/" || c.Secure != tt.wantSecure {
				t.Errorf("got cookie %s HttpOnly=%v SameSite=%s Path=%s Secure=%v, want %s HttpOnly=true SameSite=Lax Path=/ Secure=%v",
					c.Name, c.HTTPOnly, c.SameSite, c.Path, c.Secure, tt.wantName, tt.wantSecure)
			}
			// A host-only cookie: Chromium shows no leading dot.
			if strings.HasPrefix(c.Domain, ".") {
				t.Errorf("got cookie Domain %q, want a host-only cookie", c.Domain)
			}
			// A date, not a duration: an hour's slack is far more than
			// the test takes.
			wantExpiry := time.Now().Add(sessionstore.DefaultMaxAge * time.Second)
			expiry := time.Unix(int64(c.Expires), 0)
			if c.Session || math.Abs(expiry.Sub(wantExpiry).Hours()) > 1 {
				t.Errorf("got cookie expiry %v (session cookie: %v), want about %v", expiry, c.Session, wantExpiry)
			}
			if len(c.Value) >= 200 {
				t.Errorf("got a %d-byte cookie value, want under 200", len(c.Value))
			}
			if id := signedPayload(t, c.Name, c.Value); len(id) != 32 {
				t.Errorf("the cookie carries %d bytes, want only a 32-byte session id", len(id))
			}
		})
	}
}

// signedPayload verifies a session cookie signed with testKey for the
// cookie name, which the signature covers, and returns what it carries.
func signedPayload(tb testing.TB, name, value string) []byte {
	tb.Helper()
	codec := securecookie.New(testKey, nil)
	codec.SetSerializer(securecookie.NopEncoder{})
	var raw []byte
	if err := codec.Decode(name, value, &raw); err != nil {
		tb.Fatalf("the cookie does not verify with the test key: %v", err)
	}
	return raw
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

// testRaceWithoutJavaScript runs the race from its form with scripts
// off, as a browser without JavaScript would, and reads both counts.
func testRaceWithoutJavaScript(t *testing.T, b *browsertest.Browser) {
	p := b.NewTab(t, newApp(t).URL)
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
	if got := p.Text("#atomic .num"); got != strconv.Itoa(raceClicks) {
		t.Errorf("atomic: got %s counted, want %d", got, raceClicks)
	}
	naive, err := strconv.Atoi(p.Text("#naive .num"))
	if err != nil || naive < 1 || naive > raceClicks {
		t.Errorf("naive: got %q counted, want a number from 1 to %d", p.Text("#naive .num"), raceClicks)
	}
	t.Logf("naive kept %d of %d", naive, raceClicks)
	if got := p.Count(`a[href="/lesson#7-two-clicks-at-once-the-lost-update"]`); got != 1 {
		t.Errorf("the page has %d links to the lesson's section 7, want 1", got)
	}
}

// testRaceWithJavaScript runs the race from the browser: static/race.js
// turns the button into 40 fetches, and the page shows the result without
// loading another (a mark set on the window survives), under the CSP.
func testRaceWithJavaScript(t *testing.T, b *browsertest.Browser) {
	a := newApp(t)
	p := b.NewTab(t, a.URL)
	console := browsertest.Watch(t, p.Ctx)
	p.Open("/race")
	a.calls.Reset()
	if _, err := chromedp.Run(p.Ctx, chromedp.Evaluate[chromedp.Void](`window.stillThisPage = true`)); err != nil {
		t.Fatal(err)
	}
	raceByScript(t, p)
	marked, err := chromedp.Run(p.Ctx, chromedp.Evaluate[bool](`window.stillThisPage === true`))
	if err != nil {
		t.Fatal(err)
	}
	if !marked {
		t.Errorf("the race loaded another page: the script did not run it")
	}
	if got := p.Text("#atomic"); got != fmt.Sprintf("%d of %d counted", raceClicks, raceClicks) {
		t.Errorf("atomic: got %q, want %d of %d counted", got, raceClicks, raceClicks)
	}
	naive, err := strconv.Atoi(p.Text("#naive .num"))
	if err != nil || naive < 1 || naive > raceClicks {
		t.Errorf("naive: got %q counted, want a number from 1 to %d", p.Text("#naive .num"), raceClicks)
	}
	t.Logf("naive kept %d of %d, %d commits", naive, raceClicks, a.calls.Calls()["Commit"])
	if got, want := a.calls.Calls()["Commit"], 1+2*raceClicks; got != want {
		t.Errorf("got %d commits, want %d: the race's start and one per click", got, want)
	}
	for _, v := range console.CSP() {
		t.Errorf("Content-Security-Policy violation: %s", v)
	}
	p.Reload()
	if got := p.Text("#atomic .num"); got != strconv.Itoa(raceClicks) {
		t.Errorf("after a reload: atomic %s counted, want %d", got, raceClicks)
	}
}

// raceByScript presses the race's button on the open /race, with
// JavaScript on, and waits for static/race.js to show the result.
func raceByScript(tb testing.TB, p *browsertest.Tab) {
	tb.Helper()
	err := chromedp.Do(p.Ctx,
		chromedp.Click(chromedp.CSS("#race")),
		chromedp.WaitVisible(chromedp.CSS("#atomic")),
	)
	if err != nil {
		tb.Fatalf("race by script: %v", err)
	}
}
