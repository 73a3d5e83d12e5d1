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

// Open loads path and returns the status of its page.
func (p *Tab) Open(path string) int64 {
	p.t.Helper()
	resp, err := chromedp.Run(p.Ctx, chromedp.NavigateResponse(p.base+path))
	if err != nil {
		p.t.Fatalf("open %s: %v", path, err)
	}
	return resp.Status
}

// Reload loads the page again, as the browser's reload button does.
func (p *Tab) Reload() {
	p.t.Helper()
	if err := chromedp.Do(p.Ctx, chromedp.Reload()); err != nil {
		p.t.Fatalf("reload: %v", err)
	}
}

// Click clicks the link or button sel, waits for the page it leads to,
// and returns that page's status and path, after any redirect.
func (p *Tab) Click(sel string) (status int64, path string) {
	p.t.Helper()
	p.mustHave(sel)
	return p.follow("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// TypeAndEnter replaces what the field sel holds with text and presses
// Enter, which submits its form; it returns the status of the answer.
func (p *Tab) TypeAndEnter(sel, text string) int64 {
	p.t.Helper()
	p.Clear(sel)
	status, _ := p.follow("type "+text+" into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text+"\n"))
	return status
}

// follow runs an action that takes the browser to another page, waits for
// that page, and returns its status and path.
func (p *Tab) follow(what string, action chromedp.Action[chromedp.Void]) (status int64, path string) {
	p.t.Helper()
	resp, err := chromedp.RunResponse(p.Ctx, action)
	if err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
	u, err := url.Parse(resp.URL)
	if err != nil {
		p.t.Fatalf("%s: landed on %q: %v", what, resp.URL, err)
	}
	return resp.Status, u.Path
}

// Clear empties the field sel.
func (p *Tab) Clear(sel string) {
	p.t.Helper()
	p.mustHave(sel)
	if err := chromedp.Do(p.Ctx, chromedp.Clear(chromedp.CSS(sel))); err != nil {
		p.t.Fatalf("clear %s: %v", sel, err)
	}
}

// Count returns how many elements match sel, without waiting for any.
func (p *Tab) Count(sel string) int {
	p.t.Helper()
	nodes, err := chromedp.Run(p.Ctx, chromedp.Nodes(chromedp.CSSAll(sel), chromedp.AtLeast(0)))
	if err != nil {
		p.t.Fatalf("find %s: %v", sel, err)
	}
	return len(nodes)
}

func (p *Tab) mustHave(sel string) {
	p.t.Helper()
	if p.Count(sel) == 0 {
		loc, _ := chromedp.Run(p.Ctx, chromedp.Location())
		p.t.Fatalf("no %s on %s", sel, loc)
	}
}

// Text returns the visible text of the first element that matches sel,
// without leading and trailing space.
func (p *Tab) Text(sel string) string {
	p.t.Helper()
	p.mustHave(sel)
	s, err := chromedp.Run(p.Ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("read %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// Value returns what the field sel holds.
func (p *Tab) Value(sel string) string {
	p.t.Helper()
	p.mustHave(sel)
	s, err := chromedp.Run(p.Ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// Style returns the computed value of the CSS property of the first
// element that matches sel: what the page's stylesheets made of it.
func (p *Tab) Style(sel, property string) string {
	p.t.Helper()
	p.mustHave(sel)
	style, err := chromedp.Run(p.Ctx, chromedp.ComputedStyle(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("style of %s: %v", sel, err)
	}
	for _, s := range style {
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
	if err := chromedp.Do(p.Ctx, chromedp.EmulateViewport(width, height, opts...)); err != nil {
		p.t.Fatalf("viewport %dx%d: %v", width, height, err)
	}
}

// Overflow returns how many CSS pixels the page is wider than the screen:
// more than 0 means a sideways scroll bar, a layout bug on a phone.
func (p *Tab) Overflow() int {
	p.t.Helper()
	w, err := chromedp.Run(p.Ctx, chromedp.Evaluate[[2]int](
		`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
	if err != nil {
		p.t.Fatalf("page width: %v", err)
	}
	return w[0] - w[1]
}

// Screenshot returns a PNG of the element sel, or of the whole page
// (beyond the screen's height) if sel is empty.
func (p *Tab) Screenshot(sel string) []byte {
	p.t.Helper()
	var png []byte
	var err error
	if sel == "" {
		png, err = chromedp.Run(p.Ctx, chromedp.FullScreenshot(100))
	} else {
		p.mustHave(sel)
		png, err = chromedp.Run(p.Ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	}
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	return png
}

// Press presses keys (from chromedp/kb for keys such as kb.Tab) in the
// page, wherever its focus is, as a person at the keyboard would.
func (p *Tab) Press(keys string) {
	p.t.Helper()
	if err := chromedp.Do(p.Ctx, chromedp.KeyEvent(keys)); err != nil {
		p.t.Fatalf("press %q: %v", keys, err)
	}
}

// Focused reports whether the element that has the focus matches sel.
func (p *Tab) Focused(sel string) bool {
	p.t.Helper()
	ok, err := chromedp.Run(p.Ctx, chromedp.Evaluate[bool](
		fmt.Sprintf(`document.activeElement !== null && document.activeElement.matches(%q)`, sel)))
	if err != nil {
		p.t.Fatalf("focus on %s: %v", sel, err)
	}
	return ok
}
