// Package browsertest runs end-to-end tests in a real, headless Chrome or
// Chromium driven by chromedp: it starts the browser chromedp finds, with
// flags that work in a closed network, opens a fresh tab per test, and
// saves screenshots as test artifacts.
//
// One browser serves the tests of one parent test (Start), and each test
// gets a tab in a browser context of its own (NewTab), so tests share no
// cookies. Without a browser, tests skip with a message saying what to
// install; under CI=true they fail instead. CI installs the browser and
// axe-core while the other tests run: the browser tests wait for it
// (the variable BROWSERTEST_INSTALLED).
package browsertest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

// installBrowser says how to install a browser for the tests, by system.
var installBrowser = map[string]string{
	"darwin":  "install Google Chrome, or brew install --cask chromium",
	"windows": "install Google Chrome",
	"linux":   "apt-get install chromium (Debian), or Chrome or Chromium from your distribution",
}

// installedEnv names the variable that, when set, holds the path of a
// file that an install of the browser and axe-core running beside the
// tests writes when it ends: its exit status, with its output in the same
// path plus ".log". .ci/run installs them so, while the tests build and
// the others run.
const installedEnv = "BROWSERTEST_INSTALLED"

// installWait bounds the wait for that install.
const installWait = 5 * time.Minute

// awaitInstall waits, if installedEnv is set, for the install it names to
// end, and fails tb if it failed or did not end within installWait.
func awaitInstall(tb testing.TB) {
	tb.Helper()
	path := os.Getenv(installedEnv)
	if path == "" {
		return
	}
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		b, err := os.ReadFile(path)
		switch {
		case err == nil && strings.TrimSpace(string(b)) == "0":
			return
		case err == nil:
			tb.Fatalf("installing the browser and axe-core failed (exit status %s); its output: %s.log", strings.TrimSpace(string(b)), path)
		case !errors.Is(err, os.ErrNotExist):
			tb.Fatalf("%s=%s: %v", installedEnv, path, err)
		case time.Since(start) > installWait:
			tb.Fatalf("the install of the browser and axe-core has not ended after %v; its output so far: %s.log", installWait, path)
		}
	}
}

// TabTimeout bounds everything one test does in its tab, so a page that
// never loads fails the test instead of hanging it.
const TabTimeout = 60 * time.Second

// Browser is one headless Chromium.
type Browser struct {
	ctx context.Context
}

// Start starts Chromium for the life of t: it stops, and its profile is
// removed, when t and its subtests end. Give it the parent test of the
// browser tests, so one browser serves them all. Without Chrome or
// Chromium where chromedp looks for one (PATH on Linux, /Applications on
// macOS, Program Files on Windows, where it also takes Edge), it skips t,
// or fails it under CI.
//
// Chromium starts with chromedp's default flags (headless, no first-run
// screens, no background networking, no sync, no sandbox when run as root)
// and a fresh temporary --user-data-dir that chromedp removes when it
// stops. QUIC and component updates are off too, because the test
// machine's closed network refuses those connections.
func Start(t testing.TB) *Browser {
	t.Helper()
	awaitInstall(t)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 900),
	)...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	// The first Run starts the browser; it lives as long as ctx, so the
	// bound on the start is a separate context.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if errors.Is(err, exec.ErrNotFound) {
			msg := "no Chrome or Chromium for the browser tests: " + installBrowser[runtime.GOOS]
			if dstest.InCI() {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		if err != nil {
			t.Fatalf("start the browser: %v", err)
		}
	case <-time.After(TabTimeout):
		t.Fatalf("start the browser: no answer within %v", TabTimeout)
	}
	return &Browser{ctx: ctx}
}

// NewTab opens a tab on the site at base (a URL without a path), in a new
// browser context: like an incognito window, it shares no cookies with
// other tabs. The tab closes when tb ends, and its actions fail after
// TabTimeout.
func (b *Browser) NewTab(tb testing.TB, base string) *Tab {
	tb.Helper()
	// A tab lives as long as the context of its first Run, so bounding
	// that context bounds the tab, its opening and every action in it.
	bounded, cancel := context.WithTimeout(b.ctx, TabTimeout)
	tb.Cleanup(cancel)
	ctx, closeTab := chromedp.NewContext(bounded, chromedp.WithNewBrowserContext())
	tb.Cleanup(closeTab)
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("open a tab: %v", err)
	}
	return &Tab{Ctx: ctx, t: tb, base: base}
}

// SaveArtifact writes data to name in $ARTIFACTS_DIR if set, else in
// artifacts/ at the root of the module the test runs in, and logs where.
func SaveArtifact(tb testing.TB, name string, data []byte) {
	tb.Helper()
	dir := os.Getenv("ARTIFACTS_DIR")
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			tb.Fatalf("artifact directory: %v", err)
		}
		dir = filepath.Join(root, "artifacts")
	}
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatalf("save artifact: %v", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatalf("save artifact: %v", err)
	}
	tb.Logf("artifact: %s", path)
}

// moduleRoot is the nearest directory at or above the working directory
// (the test's package) that holds a go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
