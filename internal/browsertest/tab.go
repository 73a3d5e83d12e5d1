package browsertest

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Tab is one browser tab on one site, used as a person would: it opens
// pages, clicks links and buttons, and types into fields. Selectors are
// CSS. Every method fails the test on an error, and one that needs an
// element fails at once when the page has none, rather than wait for it
// until TabTimeout.
type Tab struct {
	// Ctx runs chromedp actions in the tab.
	Ctx  context.Context
	t    testing.TB
	base string
}

// run runs a in the tab and returns its result; on an error it fails the
// test, saying what it was doing.
func run[T any](p *Tab, what string, a chromedp.Action[T]) T {
	p.t.Helper()
	v, err := chromedp.Run(p.Ctx, a)
	if err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// on is run for an action on the element sel, which the page must have.
func on[T any](p *Tab, sel, what string, a chromedp.Action[T]) T {
	p.t.Helper()
	p.mustHave(sel)
	return run(p, what+" "+sel, a)
}

func (p *Tab) mustHave(sel string) {
	p.t.Helper()
	if p.Count(sel) == 0 {
		p.t.Fatalf("no %s on %s", sel, run(p, "location", chromedp.Location()))
	}
}

// Open loads path and returns the status of its page.
func (p *Tab) Open(path string) int64 {
	p.t.Helper()
	return run(p, "open "+path, chromedp.NavigateResponse(p.base+path)).Status
}

// Reload loads the page again, as the browser's reload button does.
func (p *Tab) Reload() {
	p.t.Helper()
	run(p, "reload", chromedp.Reload())
}

// Click clicks the link or button sel, waits for the page it leads to,
// and returns that page's status and path, after any redirect.
func (p *Tab) Click(sel string) (status int64, path string) {
	p.t.Helper()
	return p.follow(sel, "click", chromedp.Click(chromedp.CSS(sel)))
}

// TypeAndEnter replaces the value the page gave the field sel with text,
// then presses Enter, which submits the field's form; it returns the status
// of the answer. (chromedp.Clear empties the value the page gave, not what
// was typed into the field since the page loaded.)
func (p *Tab) TypeAndEnter(sel, text string) int64 {
	p.t.Helper()
	on(p, sel, "clear", chromedp.Clear(chromedp.CSS(sel)))
	on(p, sel, "type into", chromedp.SendKeys(chromedp.CSS(sel), text))
	status, _ := p.follow(sel, "press Enter in", chromedp.SendKeys(chromedp.CSS(sel), "\n"))
	return status
}

// follow runs an action on sel that takes the browser to another page,
// waits for that page, and returns its status and path.
func (p *Tab) follow(sel, what string, action chromedp.Action[chromedp.Void]) (status int64, path string) {
	p.t.Helper()
	p.mustHave(sel)
	resp, err := chromedp.RunResponse(p.Ctx, action)
	if err != nil {
		p.t.Fatalf("%s %s: %v", what, sel, err)
	}
	u, err := url.Parse(resp.URL)
	if err != nil {
		p.t.Fatalf("%s %s: landed on %q: %v", what, sel, resp.URL, err)
	}
	return resp.Status, u.Path
}

// Count returns how many elements match sel, without waiting for any.
func (p *Tab) Count(sel string) int {
	p.t.Helper()
	return len(run(p, "find "+sel, chromedp.Nodes(chromedp.CSSAll(sel), chromedp.AtLeast(0))))
}

// Text returns the visible text of the first element that matches sel,
// without leading and trailing space.
func (p *Tab) Text(sel string) string {
	p.t.Helper()
	return strings.TrimSpace(on(p, sel, "read", chromedp.Text(chromedp.CSS(sel))))
}

// Value returns what the field sel holds.
func (p *Tab) Value(sel string) string {
	p.t.Helper()
	return on(p, sel, "read", chromedp.Value(chromedp.CSS(sel)))
}

// Style returns the computed value of the CSS property of the first
// element that matches sel: what the page's stylesheets made of it.
func (p *Tab) Style(sel, property string) string {
	p.t.Helper()
	for _, s := range on(p, sel, "style of", chromedp.ComputedStyle(chromedp.CSS(sel))) {
		if s.Name == property {
			return s.Value
		}
	}
	return ""
}

// Cookies returns the cookies the browser holds for the page.
func (p *Tab) Cookies() []*network.Cookie {
	p.t.Helper()
	res, err := chromedp.Call(p.Ctx, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		p.t.Fatalf("cookies: %v", err)
	}
	return res.Cookies
}

// Viewport makes the tab a screen of width by height CSS pixels, a phone's
// (touch, and honouring the page's viewport meta tag) if mobile.
func (p *Tab) Viewport(width, height int64, mobile bool) {
	p.t.Helper()
	opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	run(p, fmt.Sprintf("viewport %dx%d", width, height), chromedp.EmulateViewport(width, height, opts...))
}

// Overflow returns how many CSS pixels the page is wider than the screen:
// more than 0 means a sideways scroll bar, a layout bug on a phone.
func (p *Tab) Overflow() int {
	p.t.Helper()
	w := run(p, "page width", chromedp.Evaluate[[2]int](
		`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
	return w[0] - w[1]
}

// Screenshot returns a PNG of the element sel, or of the whole page
// (beyond the screen's height) if sel is empty.
func (p *Tab) Screenshot(sel string) []byte {
	p.t.Helper()
	if sel == "" {
		return run(p, "screenshot", chromedp.FullScreenshot(100))
	}
	return on(p, sel, "screenshot", chromedp.Screenshot(chromedp.CSS(sel)))
}

// Press presses keys (from chromedp/kb for keys such as kb.Tab) in the
// page, wherever its focus is, as a person at the keyboard would.
func (p *Tab) Press(keys string) {
	p.t.Helper()
	run(p, fmt.Sprintf("press %q", keys), chromedp.KeyEvent(keys))
}

// Focused reports whether the element that has the focus matches sel.
func (p *Tab) Focused(sel string) bool {
	p.t.Helper()
	return run(p, "focus on "+sel, chromedp.Evaluate[bool](
		fmt.Sprintf(`document.activeElement !== null && document.activeElement.matches(%q)`, sel)))
}
