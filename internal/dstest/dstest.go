// Package dstest runs tests against the real Cloud Datastore emulators.
//
// A test binary calls Main from its TestMain. When DATASTORE_EMULATOR_HOST is
// set, tests use that emulator and start nothing. Otherwise Main starts each
// requested emulator once for the whole binary — in memory, strongly
// consistent, on a free loopback port (internal/emulator) — and stops it
// when the tests end, or when the test binary dies.
//
// Without the Google Cloud CLI or an emulator, tests that need one skip with
// a message naming what to install, for the way the CLI was installed
// (Debian packages or the component manager); under CI=true they fail
// instead, so a CI run never passes by skipping.
//
// Tests never share data: each gets a namespace of its own (Namespace), and a
// client whose Datastore RPCs are counted (Emulator.Client).
package dstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"cloud.google.com/go/datastore"
	"github.com/gae-lessons/sessions-go/internal/emulator"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
)

// Mode names one of the two emulators the Google Cloud CLI ships.
type Mode = emulator.Mode

const (
	Datastore = emulator.Datastore // the legacy emulator, strongly consistent
	Firestore = emulator.Firestore // the Firestore emulator in Datastore mode
	External  = emulator.External  // DATASTORE_EMULATOR_HOST's
)

// Emulator is a running emulator (internal/emulator's), with what tests
// need of it.
type Emulator struct{ *emulator.Emulator }

var (
	mu        sync.Mutex
	emulators []*Emulator
	// unavailable says why there is no emulator, for the skip or failure
	// message of every test that needs one.
	unavailable string
)

// InCI reports whether the tests run in CI, where nothing may skip.
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// Main starts the emulators named by modes (unless DATASTORE_EMULATOR_HOST
// is set, or sharedEnv names them), runs the tests and stops the emulators
// it started. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(dstest.Main(m, dstest.Firestore)) }
func Main(m *testing.M, modes ...Mode) int {
	if host := os.Getenv("DATASTORE_EMULATOR_HOST"); host != "" {
		project := os.Getenv("DATASTORE_PROJECT_ID")
		if project == "" {
			project = "dstest"
		}
		emulators = []*Emulator{At(host, project)}
		return m.Run()
	}
	shared := sharedEmulators()
	var toStart []Mode
	for _, mode := range modes {
		if shared[mode] == nil {
			toStart = append(toStart, mode)
		}
	}
	started, err := startAll(toStart)
	defer func() {
		for _, e := range started {
			e.Stop()
		}
	}()
	for _, mode := range modes {
		if e := shared[mode]; e != nil {
			emulators = append(emulators, e)
		}
		for _, e := range started {
			if e.Mode == mode {
				emulators = append(emulators, e)
			}
		}
	}
	if err != nil {
		unavailable = err.Error()
		fmt.Fprintln(os.Stderr, "dstest:", err)
		if InCI() {
			return 1
		}
		if len(emulators) == 0 {
			skipExamples()
		}
	}
	if len(emulators) > 0 {
		// Code that builds its own client, as examples and the server's
		// subprocesses do, finds the first emulator the usual way.
		os.Setenv("DATASTORE_EMULATOR_HOST", emulators[0].Host)
		os.Setenv("DATASTORE_PROJECT_ID", emulators[0].Project)
	}
	return m.Run()
}

// sharedEnv is the variable through which a parent process (Serve's caller,
// go run ./dev test, which make test runs) hands the emulators it started to
// every test binary under it, as mode=host words: each binary then starts
// only the modes it is not given, and stops none of those it is.
const sharedEnv = "DSTEST_EMULATORS"

// sharedEmulators returns the emulators sharedEnv names, by mode.
func sharedEmulators() map[Mode]*Emulator {
	shared := map[Mode]*Emulator{}
	for _, word := range strings.Fields(os.Getenv(sharedEnv)) {
		if mode, host, ok := strings.Cut(word, "="); ok {
			shared[Mode(mode)] = &Emulator{&emulator.Emulator{Mode: Mode(mode), Host: host, Project: project(Mode(mode))}}
		}
	}
	return shared
}

// Serve starts both emulators for the test binaries of a go test run, so
// that each binary need not start its own: it returns the sharedEnv
// setting to run them with, and a function that stops the emulators.
func Serve() (env string, stop func(), err error) {
	started, err := startAll([]Mode{Datastore, Firestore})
	stop = func() {
		for _, e := range started {
			e.Stop()
		}
	}
	if err != nil {
		stop()
		return "", nil, err
	}
	words := make([]string, len(started))
	for i, e := range started {
		words[i] = string(e.Mode) + "=" + e.Host
	}
	return sharedEnv + "=" + strings.Join(words, " "), stop, nil
}

// project is the project id of a mode's emulator.
func project(mode Mode) string { return "dstest-" + string(mode) }

// skipExamples leaves examples out of the run: they use Datastore like user
// code does and cannot skip themselves, so without an emulator they would
// fail instead of skipping.
func skipExamples() {
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() == "" {
		fmt.Fprintln(os.Stderr, "dstest: no emulator, so the examples do not run:", unavailable)
		f.Value.Set("^(Test|Fuzz)")
	}
}

// startAll starts the emulators of modes at once, in memory on free ports.
// When gcloud is missing it says so once, not once per mode.
func startAll(modes []Mode) ([]*Emulator, error) {
	results := make([]*Emulator, len(modes))
	errs := make([]error, len(modes))
	var wg sync.WaitGroup
	for i, mode := range modes {
		wg.Go(func() {
			e, err := emulator.Start(context.Background(), emulator.Options{Mode: mode, Project: project(mode)})
			if e != nil {
				results[i] = &Emulator{e}
			}
			errs[i] = err
		})
	}
	wg.Wait()
	var started []*Emulator
	for _, e := range results {
		if e != nil {
			started = append(started, e)
		}
	}
	for _, err := range errs {
		if errors.Is(err, emulator.ErrNotInstalled) {
			return started, err
		}
	}
	return started, errors.Join(errs...)
}

// At is an emulator reached at host, such as a fault proxy's address in
// front of a real one, or a port where nothing answers.
func At(host, project string) *Emulator {
	return &Emulator{&emulator.Emulator{Mode: External, Host: host, Project: project}}
}

// Start starts an emulator of the given mode for one test or benchmark and
// stops it when tb ends: for the few that need an emulator their binary's
// TestMain does not start, such as the load benchmark, which runs against
// both while the root package's tests need only one. Like Emulators, it
// skips without the Google Cloud CLI, or fails under CI=true.
func Start(tb testing.TB, mode Mode) *Emulator {
	tb.Helper()
	e, err := emulator.Start(context.Background(), emulator.Options{Mode: mode, Project: project(mode)})
	switch {
	case errors.Is(err, emulator.ErrNotInstalled) && !InCI():
		tb.Skip(err)
	case err != nil:
		tb.Fatal(err)
	}
	tb.Cleanup(e.Stop)
	return &Emulator{e}
}

// Emulators returns the emulators this binary runs against. When there are
// none it skips the test, or fails it under CI=true.
func Emulators(tb testing.TB) []*Emulator {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	if len(emulators) == 0 {
		reason := unavailable
		if reason == "" {
			reason = "dstest.Main was not called from TestMain"
		}
		if InCI() {
			tb.Fatalf("no Datastore emulator under CI=true: %s", reason)
		}
		tb.Skipf("no Datastore emulator: %s", reason)
	}
	return emulators
}

// Each runs f as a subtest against every emulator, named by its mode, in
// parallel: the test beside its package's other parallel tests, and the
// emulators' subtests beside each other. Every test has a namespace of its
// own, and what such tests wait for is mostly the emulators, not the CPU.
func Each(t *testing.T, f func(t *testing.T, e *Emulator)) {
	t.Helper()
	t.Parallel()
	for _, e := range Emulators(t) {
		t.Run(string(e.Mode), func(t *testing.T) {
			t.Parallel()
			f(t, e)
		})
	}
}

// First returns the first emulator, for tests that need only one.
func First(tb testing.TB) *Emulator {
	tb.Helper()
	return Emulators(tb)[0]
}

// Client returns a Datastore client on the emulator, with the options extra
// (an application's own, say), whose RPCs are counted by the returned
// Counter. The client is closed when the test ends.
func (e *Emulator) Client(tb testing.TB, extra ...option.ClientOption) (*datastore.Client, *Counter) {
	tb.Helper()
	c := &Counter{}
	opts := append([]option.ClientOption{option.WithGRPCDialOption(grpc.WithChainUnaryInterceptor(c.intercept))}, extra...)
	client, err := datastore.NewClient(context.Background(), e.Project, e.ClientOptions(opts...)...)
	if err != nil {
		tb.Fatalf("datastore client for %s emulator: %v", e.Mode, err)
	}
	tb.Cleanup(func() { client.Close() })
	return client, c
}

var unsafeChars = regexp.MustCompile(`[^0-9A-Za-z._-]+`)

// Namespace returns a Datastore namespace that no other test uses.
func Namespace(tb testing.TB) string {
	tb.Helper()
	b := make([]byte, 4)
	rand.Read(b)
	name := unsafeChars.ReplaceAllString(tb.Name(), "_")
	if len(name) > 80 {
		name = name[len(name)-80:]
	}
	return name + "-" + hex.EncodeToString(b)
}

// Counter counts the Datastore RPCs of one client, by method name.
type Counter struct {
	mu    sync.Mutex
	calls map[string]int
}

func (c *Counter) intercept(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	name := method[strings.LastIndex(method, "/")+1:]
	c.mu.Lock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[name]++
	c.mu.Unlock()
	return invoker(ctx, method, req, reply, cc, opts...)
}

// Reset forgets every call counted so far.
func (c *Counter) Reset() {
	c.mu.Lock()
	c.calls = nil
	c.mu.Unlock()
}

// Calls returns the calls counted since the last Reset, by method
// ("Lookup", "Commit", "BeginTransaction", "RunQuery", ...).
func (c *Counter) Calls() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.calls))
	for k, v := range c.calls {
		out[k] = v
	}
	return out
}

// Total returns how many calls were counted since the last Reset.
func (c *Counter) Total() int {
	n := 0
	for _, v := range c.Calls() {
		n += v
	}
	return n
}
