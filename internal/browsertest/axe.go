package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

// axeScript is where npm puts axe-core, pinned by axe/package-lock.json,
// relative to the module root. It is not in the repository: .ci/run
// installs it, and so does the command that AxeScript's skip names.
const axeScript = "internal/browsertest/axe/node_modules/axe-core/axe.min.js"

var axeSource = sync.OnceValues(func() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(root, axeScript))
	return string(b), err
})

// AxeScript returns the source of axe.min.js. Without it, it skips tb
// with the command that installs it, or fails tb under CI.
func AxeScript(tb testing.TB) string {
	tb.Helper()
	awaitInstall(tb)
	src, err := axeSource()
	if err != nil {
		msg := fmt.Sprintf("no axe-core (%v): install it with npm ci --prefix internal/browsertest/axe", err)
		if dstest.InCI() {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	return src
}

// Violation is one axe-core rule that the page breaks.
type Violation struct {
	ID     string `json:"id"`     // the rule, as "scrollable-region-focusable"
	Impact string `json:"impact"` // "minor", "moderate", "serious" or "critical"
	Help   string `json:"help"`
	// Nodes is how many elements break the rule; Targets are the CSS
	// selectors of the first few.
	Nodes   int      `json:"nodes"`
	Targets []string `json:"targets"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s, %d elements: %s): %s", v.ID, v.Impact, v.Nodes, strings.Join(v.Targets, ", "), v.Help)
}

// axeRun runs axe on the document with the rules of WCAG 2.0, 2.1 and 2.2
// at levels A and AA, and keeps of its answer what a test message needs.
const axeRun = `axe.run(document, {
		runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
		resultTypes: ['violations'],
	}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || '', help: v.help, nodes: v.nodes.length,
		targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
	})))`

// Axe checks the page open in p with axe-core's rules of WCAG 2 A and AA
// and returns the violations. It injects axe.min.js with the DevTools
// protocol's Runtime.evaluate, which the page's Content-Security-Policy
// does not govern: the page under test stays as it is served.
func Axe(tb testing.TB, p *Tab) []Violation {
	tb.Helper()
	run(p, "inject axe-core", chromedp.Evaluate[chromedp.Void](AxeScript(tb)))
	return run(p, "run axe-core", chromedp.Evaluate[[]Violation](axeRun, chromedp.EvalAwaitPromise))
}
