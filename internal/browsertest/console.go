package browsertest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"
)

// Console records the Content-Security-Policy violations a tab reports:
// the browser logs each one as a security error, "... violates the
// following Content Security Policy directive ...".
type Console struct {
	mu  sync.Mutex
	csp []string
}

// Watch records the violations of ctx's tab from now on.
func Watch(tb testing.TB, ctx context.Context) *Console {
	tb.Helper()
	c := &Console{}
	// Listen, not Events: its func sees each event before the reply of the
	// command that follows it, so a page's reports are in when its load
	// ends. It runs in the tab's event loop: it must be quick and call
	// nothing.
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*log.EventEntryAdded); ok && strings.Contains(e.Entry.Text, "Content Security Policy") {
			c.mu.Lock()
			c.csp = append(c.csp, e.Entry.Text)
			c.mu.Unlock()
		}
	})
	if err != nil {
		tb.Fatalf("watch the console: %v", err)
	}
	return c
}

// CSP returns the violations recorded so far and forgets them.
func (c *Console) CSP() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	csp := c.csp
	c.csp = nil
	return csp
}
