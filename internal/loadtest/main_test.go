//go:build linux

package loadtest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"cloud.google.com/go/datastore"

	"github.com/gae-lessons/sessions-go/internal/apptest"
	"github.com/gae-lessons/sessions-go/internal/dstest"
)

func TestMain(m *testing.M) {
	code := dstest.Main(m, dstest.Firestore)
	if code == 0 {
		if err := writeRates(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// startServer runs the binary against emulator e with fixed session keys,
// and waits for its first answer to GET /counter.
func startServer(tb testing.TB, bin string, e *dstest.Emulator) *apptest.Process {
	tb.Helper()
	return apptest.Start(tb, bin, apptest.Options{
		Env: map[string]string{
			"DATASTORE_EMULATOR_HOST": e.Host,
			"DATASTORE_PROJECT_ID":    e.Project,
			"GOOGLE_CLOUD_PROJECT":    e.Project,
			"SESSION_KEYS":            dstest.KeysEnv,
		},
		Ready: "/counter",
	})
}

// startLoad starts the server for a benchmark and n visitors of it, whom
// ready readies (each clicks once, at least, so that it is a returning
// visitor with a session); then, the first time for emulator e in this test
// binary, -load.warmup requests of the counter's mix warm the emulator's JVM
// through the server (warmEmulator). With -load.pin, the emulator and this
// process go on CPUs of their own first (given back when the benchmark
// ends), and the server's threads are made sure to be on this process's
// CPUs, where they start.
func startLoad(b *testing.B, ctx context.Context, bin string, e *dstest.Emulator, n int, ready func(context.Context, []*visitor) error) (*apptest.Process, []*visitor) {
	b.Helper()
	var srv *apptest.Process
	if *loadPin {
		others := pinCPUs(b, e)
		srv = startServer(b, bin, e)
		if _, err := setCPUs(others, srv.Pid()); err != nil {
			b.Fatalf("-load.pin: the server: %v", err)
		}
	} else {
		srv = startServer(b, bin, e)
	}
	vs := newVisitors(b, srv.Base, n)
	if err := ready(ctx, vs); err != nil {
		b.Fatalf("warm-up: %v", err)
	}
	warmEmulator(b, e, "HTTP requests", func(n int) mixResult {
		return driveVisitors(ctx, vs, 0, n)
	})
	return srv, vs
}

// appHandler is the app's handler in this process, on client, with fixed
// keys, in namespace ns.
func appHandler(tb testing.TB, client *datastore.Client, ns string) http.Handler {
	tb.Helper()
	return apptest.Handler(tb, apptest.Config(ns), client, os.DirFS("../.."))
}

// appURL serves the app in this process on the emulator, for the tests of
// the visitors' client, and returns its address.
func appURL(t *testing.T) string {
	t.Helper()
	client, _ := dstest.First(t).Client(t)
	ts := httptest.NewServer(appHandler(t, client, dstest.Namespace(t)))
	t.Cleanup(ts.Close)
	return ts.URL
}
