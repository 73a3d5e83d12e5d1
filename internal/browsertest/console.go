package browsertest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/audits"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Console records what a tab reports about its pages: console calls,
// uncaught exceptions, browser log entries and DevTools issues.
type Console struct {
	mu      sync.Mutex
	entries []Entry
}

// Entry is one report of a tab.
type Entry struct {
	// Source is "console", "exception", "issue" or the browser log's
	// source ("security", "network", ...).
	Source string
	Level  string // "error", "warning", ... ; an issue's is its code
	Text   string
	URL    string
	// CSP marks a Content-Security-Policy violation.
	CSP bool
}

func (e Entry) String() string {
	return fmt.Sprintf("%s %s: %s (%s)", e.Source, e.Level, e.Text, e.URL)
}

// Watch records the reports of ctx's tab from now on. It enables the
// Audits domain, which carries the browser's structured CSP reports next to
// the console's messages.
func Watch(tb testing.TB, ctx context.Context) *Console {
	tb.Helper()
	c := &Console{}
	// Listen, not Events: its func sees each event before the reply of the
	// command that follows it, so a page's reports are in when its load
	// ends.
	if err := chromedp.Listen(ctx, c.record); err != nil {
		tb.Fatalf("watch the console: %v", err)
	}
	if _, err := chromedp.Call(ctx, audits.Enable, cdp.Empty{}); err != nil {
		tb.Fatalf("enable audits: %v", err)
	}
	return c
}

// record runs in the tab's event loop: it must be quick and call nothing.
func (c *Console) record(ev any) {
	var e Entry
	switch ev := ev.(type) {
	case *log.EventEntryAdded:
		e = Entry{Source: string(ev.Entry.Source), Level: string(ev.Entry.Level), Text: ev.Entry.Text, URL: ev.Entry.URL}
		e.CSP = strings.Contains(e.Text, "Content Security Policy")
	case *runtime.EventConsoleAPICalled:
		var args []string
		for _, a := range ev.Args {
			args = append(args, string(a.Value)+a.Description)
		}
		e = Entry{Source: "console", Level: string(ev.Type), Text: strings.Join(args, " ")}
	case *runtime.EventExceptionThrown:
		e = Entry{Source: "exception", Level: "error", Text: ev.ExceptionDetails.Text, URL: ev.ExceptionDetails.URL}
	case *audits.EventIssueAdded:
		e = Entry{Source: "issue", Level: string(ev.Issue.Code)}
		if d := ev.Issue.Details; d != nil && d.ContentSecurityPolicyIssueDetails != nil {
			csp := d.ContentSecurityPolicyIssueDetails
			e.Text = fmt.Sprintf("%s violates %s", csp.ContentSecurityPolicyViolationType, csp.ViolatedDirective)
			e.URL = csp.BlockedURL
		}
		e.CSP = ev.Issue.Code == audits.InspectorIssueCodeContentSecurityPolicyIssue
	default:
		return
	}
	c.mu.Lock()
	c.entries = append(c.entries, e)
	c.mu.Unlock()
}

// Entries returns what was recorded so far and forgets it.
func (c *Console) Entries() []Entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries
	c.entries = nil
	return e
}
