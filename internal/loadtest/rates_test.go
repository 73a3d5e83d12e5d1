//go:build linux

package loadtest

// BenchmarkRates measures, for each route a client could repeat to run up
// the bill, how many requests one server process answers a second and what
// each request costs in the Datastore operations Google bills: the figures
// behind docs/deploy.md's "What it can cost".

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/datastore/apiv1/datastorepb"
	"google.golang.org/api/option"
	"google.golang.org/grpc"

	"github.com/gae-lessons/sessions-go/internal/apptest"
	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/internal/web"
)

// rateRoute is one route BenchmarkRates drives.
type rateRoute struct {
	name         string
	method, path string
	// html asks for the page (what a browser gets, larger than the JSON);
	// otherwise the JSON answer, as the pages' scripts and tests ask.
	html bool
	// form is a POST's body, url-encoded.
	form string
	// status is the answer each request must get: 200 unless set.
	status int
	// clients send requests one after another, each with its own cookies
	// and connection.
	clients int
	// fresh: every request is sent without cookies, as a new visitor's.
	fresh bool
	// prepare is a POST each client sends once before the route, if set.
	prepare string
	// sample is how many requests warm the route up before each run, and
	// how many the in-process server counts the Datastore operations of.
	sample int
}

// rateRoutes are every route of the route table, each as the request of
// it that costs most: a page where the route has one (its bytes), a click
// that writes. A guess is a new visitor's (a session with a game, written):
// on a returning visitor's game it costs what POST /mastermind/new does,
// and answers 409 after the game's 10 guesses. A click that creates a session and a new race
// come last: they leave tens of thousands of entities in the emulator, and
// after them, in a first series, /class's query took longer than the app's
// 4-s bound. Clients: 10 is App Engine's default max_concurrent_requests
// per instance; 2 is the races an instance runs at a time (racesAtOnce in
// internal/web), beyond which POST /race answers 429.
var rateRoutes = []rateRoute{
	{name: "home", method: "GET", path: "/", html: true, clients: 10, sample: 100},
	{name: "lesson", method: "GET", path: "/lesson", html: true, clients: 10, sample: 100},
	{name: "stateless", method: "GET", path: "/stateless", html: true, clients: 10, sample: 100},
	{name: "stateless-click", method: "POST", path: "/stateless", html: true, clients: 10, sample: 100},
	{name: "counter", method: "GET", path: "/counter", html: true, clients: 10, sample: 100},
	{name: "click", method: "POST", path: "/counter", clients: 10, sample: 200},
	{name: "mastermind", method: "GET", path: "/mastermind", html: true, clients: 10, sample: 100},
	{name: "new-game", method: "POST", path: "/mastermind/new", clients: 10, sample: 200},
	{name: "guess", method: "POST", path: "/mastermind/guess", form: "guess=1122", fresh: true, clients: 10, sample: 200},
	{name: "hint", method: "GET", path: "/mastermind/hint", clients: 10, sample: 100},
	{name: "race-page", method: "GET", path: "/race", html: true, clients: 10, sample: 100},
	{name: "race", method: "POST", path: "/race", clients: 2, sample: 4},
	{name: "race-naive", method: "POST", path: "/race/naive", clients: 10, prepare: "/race/reset", sample: 200},
	{name: "race-atomic", method: "POST", path: "/race/atomic", clients: 10, prepare: "/race/reset", sample: 200},
	{name: "class", method: "GET", path: "/class", html: true, clients: 10, sample: 100},
	{name: "end-session", method: "POST", path: "/session/end", clients: 10, sample: 100},
	{name: "cleanup-refused", method: "GET", path: "/tasks/cleanup-sessions", status: http.StatusForbidden, clients: 10, sample: 100},
	{name: "static", method: "GET", path: "/static/style.css", clients: 10, sample: 100},
	{name: "warmup", method: "GET", path: "/_ah/warmup", clients: 10, sample: 100},
	{name: "not-found", method: "GET", path: "/no-such-page", html: true, status: http.StatusNotFound, clients: 10, sample: 100},
	{name: "new-session", method: "POST", path: "/counter", clients: 10, fresh: true, sample: 200},
	{name: "new-race", method: "POST", path: "/race/reset", clients: 10, fresh: true, sample: 200},
}

// classSessions is how many live sessions BenchmarkRates creates before
// /class is measured: one more than /class reads (classLimit in
// internal/web), so that its query returns as many entities as it ever does.
const classSessions = 1001

// do sends one request of the route as v; an answer other than r.status
// is an error.
func (r rateRoute) do(ctx context.Context, v *visitor) error {
	if r.fresh {
		clear(v.cookies)
	}
	status, body, err := v.send(ctx, r.method, r.path, r.form, r.html)
	if err != nil {
		return err
	}
	if want := cmp.Or(r.status, http.StatusOK); status != want {
		return fmt.Errorf("%s %s: status %d, want %d: %.200s", r.method, r.path, status, want, body)
	}
	return nil
}

// ready makes every client a returning visitor with a session (one click
// each, at the same time; a race then writes no session), then sends its
// r.prepare, if any.
func (r rateRoute) ready(ctx context.Context, vs []*visitor) error {
	if err := clickOnceEach(ctx, vs); err != nil || r.prepare == "" {
		return err
	}
	p := rateRoute{method: "POST", path: r.prepare}
	for _, v := range vs {
		if err := p.do(ctx, v); err != nil {
			return err
		}
	}
	return nil
}

// run sends requests first..first+n-1 of the route, each client on its own
// goroutine, and returns them and the bytes of their answers, status lines
// and headers included: what the server sent.
func (r rateRoute) run(ctx context.Context, vs []*visitor, first, n int) (mixResult, int64) {
	received := func() (sum int64) {
		for _, v := range vs {
			sum += v.received
		}
		return sum
	}
	before := received()
	m := runMix(ctx, first, n, len(vs), 0, func(ctx context.Context, w int, _ opKind) error {
		return r.do(ctx, vs[w])
	})
	return m, received() - before
}

// BenchmarkRates drives the real server, one route at a time, with as many
// clients as the route lets one instance serve at once, and reports its
// requests a second and server CPU per request; then the same route's
// Datastore operations per request, counted on an in-process server (a
// separate process's calls cannot be counted). One op is one request; run
// it with a -benchtime of a few seconds (see the Makefile's bench-rates).
//
// Against an emulator in memory on loopback, the rates are upper bounds
// for an App Engine instance: production Datastore answers slower, and an
// F1 instance has a smaller share of a CPU than this machine's core.
func BenchmarkRates(b *testing.B) {
	bin := apptest.Build(b)
	e := dstest.First(b)
	for _, r := range rateRoutes {
		name := fmt.Sprintf("%s/%s/clients=%d", e.Mode, r.name, r.clients)
		if *loadPin {
			name += "/pinned"
		}
		b.Run(name, func(b *testing.B) { benchRate(b, bin, e, r) })
	}
}

func benchRate(b *testing.B, bin string, e *dstest.Emulator, r rateRoute) {
	b.StopTimer()
	ctx, cancel := context.WithTimeout(context.Background(), *loadTimeout)
	defer cancel()
	// The emulator's JVM is warmed once, as for BenchmarkLoad; /class gets
	// its sessions once.
	srv, vs := startLoad(b, ctx, bin, e, r.clients, r.ready)
	if r.path == "/class" {
		seedClass(b, ctx, e, vs)
	}
	if w, _ := r.run(ctx, vs, 0, r.sample); w.errors > 0 {
		b.Fatalf("warm-up: %d of %d requests failed; first: %q", w.errors, w.done(), w.errText)
	}

	cpu0 := serverCPU(b, srv)
	b.StartTimer()
	m, sent := r.run(ctx, vs, 0, b.N)
	b.StopTimer()
	srvCPU := serverCPU(b, srv) - cpu0
	srv.Stop(b)
	if ctx.Err() != nil {
		b.Errorf("stopped by -load.timeout=%v after %d of %d requests", *loadTimeout, m.done(), b.N)
	}
	if m.errors > 0 {
		b.Errorf("%d of %d requests failed; first: %q", m.errors, m.done(), m.errText)
	}
	b.ReportMetric(ms(percentile(m.lat[opRead], .5)), "p50-ms")
	b.ReportMetric(perReq(srvCPU, m.done()), "server-cpu-us/req")
	metrics := countOps(b, ctx, e, r)
	metrics["req/s"] = float64(m.done()) / m.elapsed.Seconds()
	metrics["bytes/req"] = float64(sent) / float64(max(m.done(), 1))
	for name, v := range metrics {
		b.ReportMetric(v, name)
	}
	if finalRun(b.N, m.elapsed) {
		// Sub-benchmarks run one at a time, and TestMain writes the
		// results file after the last.
		rates[r.name] = append(rates[r.name], metrics)
	}
}

// seedClass creates classSessions live sessions through the server, once
// per emulator in this test binary: they live 30 days, longer than any run.
// The server and the counting server share the default namespace, so both
// read them.
func seedClass(b *testing.B, ctx context.Context, e *dstest.Emulator, vs []*visitor) {
	b.Helper()
	if !firstTime(e, "/class's sessions") {
		return
	}
	fresh := rateRoute{method: "POST", path: "/counter", fresh: true}
	if r, _ := fresh.run(ctx, vs, 0, classSessions); r.errors > 0 {
		b.Fatalf("creating /class's sessions: %d of %d failed; first: %q", r.errors, r.done(), r.errText)
	}
}

// countOps sends the route's sample of requests to an in-process server
// whose Datastore client counts what Google bills, and returns it per
// request: entities read (found or not: a Lookup of a missing entity is
// counted, to err high), written and deleted, and calls. For /class, whose
// one query serves every viewer of an instance for 5 seconds, it returns
// the entities a query reads, and the queries per request.
func countOps(b *testing.B, ctx context.Context, e *dstest.Emulator, r rateRoute) map[string]float64 {
	b.Helper()
	ops := &entityOps{}
	counted := option.WithGRPCDialOption(grpc.WithChainUnaryInterceptor(ops.intercept))
	client, calls := e.Client(b, append([]option.ClientOption{counted}, web.DatastoreOptions...)...)
	// The default namespace, the binary's, so that /class reads the
	// sessions seedClass made.
	ts := httptest.NewServer(appHandler(b, client, ""))
	defer ts.Close()
	vs := newVisitors(b, ts.URL, r.clients)
	if err := r.ready(ctx, vs); err != nil {
		b.Fatalf("counted requests: %v", err)
	}

	ops.reset()
	calls.Reset()
	if m, _ := r.run(ctx, vs, 0, r.sample); m.errors > 0 {
		b.Errorf("counted requests: %d of %d failed; first: %q", m.errors, m.done(), m.errText)
	}
	n := float64(r.sample)
	out := map[string]float64{
		"writes/req":   float64(ops.writes.Load()) / n,
		"deletes/req":  float64(ops.deletes.Load()) / n,
		"ds-calls/req": float64(calls.Total()) / n,
	}
	if q := ops.queries.Load(); q > 0 {
		// Reads per request would say only how many viewers shared the
		// query in this sample.
		out["queries/req"] = float64(q) / n
		out["reads/query"] = float64(ops.reads.Load()) / float64(q)
	} else {
		out["reads/req"] = float64(ops.reads.Load()) / n
	}
	return out
}

// entityOps counts the Datastore operations of one client that Google
// bills, from each call's request and answer: entities read by lookups and
// queries, entities written or deleted by commits. (Transactions' begin and
// rollback are not billed as entity operations; dstest's Counter counts
// every call.)
type entityOps struct {
	reads, writes, deletes, queries atomic.Int64
}

func (o *entityOps) intercept(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if err := invoker(ctx, method, req, reply, cc, opts...); err != nil {
		return err
	}
	switch r := reply.(type) {
	case *datastorepb.LookupResponse:
		o.reads.Add(int64(len(r.GetFound()) + len(r.GetMissing())))
	case *datastorepb.RunQueryResponse:
		o.reads.Add(int64(len(r.GetBatch().GetEntityResults())))
	}
	// A query's later batches are asked for from the cursor where the
	// previous one ended: one query, however many calls.
	if q, ok := req.(*datastorepb.RunQueryRequest); ok && len(q.GetQuery().GetStartCursor()) == 0 {
		o.queries.Add(1)
	}
	if c, ok := req.(*datastorepb.CommitRequest); ok {
		for _, m := range c.GetMutations() {
			if m.GetDelete() != nil {
				o.deletes.Add(1)
			} else {
				o.writes.Add(1)
			}
		}
	}
	return nil
}

func (o *entityOps) reset() {
	for _, c := range []*atomic.Int64{&o.reads, &o.writes, &o.deletes, &o.queries} {
		c.Store(0)
	}
}

var ratesOut = flag.String("rates.out", "", "BenchmarkRates: write each route's medians over the runs to this JSON file (make bench-rates: docs/rates.json, which docs/deploy.md's costs are computed from)")

// rates is each route's metrics, run by run: route name → runs.
var rates = map[string][]map[string]float64{}

// finalRun reports whether a run of n requests that took elapsed is one
// -count asked for, not one of the shorter runs the testing package makes
// first to find how many requests fill -benchtime: with -benchtime Nx, a
// run of N; with a duration d, the run that took d or more.
func finalRun(n int, elapsed time.Duration) bool {
	bt := flag.Lookup("test.benchtime").Value.String()
	if x, ok := strings.CutSuffix(bt, "x"); ok {
		return x == strconv.Itoa(n)
	}
	d, err := time.ParseDuration(bt)
	return err == nil && elapsed >= d*95/100
}

// RateFile is the results file of make bench-rates (docs/rates.json): which
// run, on what, and each route's medians over the runs. The root package's
// cost test reads it.
type RateFile struct {
	Measured  string      `json:"measured"` // the day, UTC
	Commit    string      `json:"commit"`
	Machine   string      `json:"machine"`
	Go        string      `json:"go"`
	Emulator  string      `json:"emulator"`
	Runs      int         `json:"runs"`
	Benchtime string      `json:"benchtime"`
	Routes    []RateRoute `json:"routes"`
}

// RateRoute is one route's medians: requests a second one server process
// answered, bytes it sent per answer, and the Datastore operations per
// request (for /class, per query, and queries per request).
type RateRoute struct {
	Name     string  `json:"name"`
	Request  string  `json:"request"` // "GET /lesson (page)"
	Clients  int     `json:"clients"`
	PerSec   float64 `json:"perSecond"`
	Bytes    float64 `json:"bytesPerRequest"`
	Reads    float64 `json:"readsPerRequest"`
	Writes   float64 `json:"writesPerRequest"`
	Deletes  float64 `json:"deletesPerRequest"`
	Queries  float64 `json:"queriesPerRequest"`
	PerQuery float64 `json:"readsPerQuery"`
}

// writeRates writes the results file, if -rates.out names one and every
// route has run.
func writeRates() error {
	if *ratesOut == "" {
		return nil
	}
	f := RateFile{
		Measured:  time.Now().UTC().Format(time.DateOnly),
		Commit:    gitCommit(),
		Machine:   machine(),
		Go:        runtime.Version(),
		Emulator:  string(dstest.Firestore),
		Benchtime: flag.Lookup("test.benchtime").Value.String(),
	}
	for _, r := range rateRoutes {
		runs := rates[r.name]
		if len(runs) == 0 {
			return fmt.Errorf("loadtest: -rates.out: route %s did not run (run every route of BenchmarkRates)", r.name)
		}
		f.Runs = len(runs)
		med := func(k string) float64 {
			vs := make([]float64, len(runs))
			for i, m := range runs {
				vs[i] = m[k]
			}
			slices.Sort(vs)
			return vs[len(vs)/2]
		}
		req := r.method + " " + r.path
		if r.html {
			req += " (page)"
		}
		if r.fresh {
			req += " (no cookie)"
		}
		f.Routes = append(f.Routes, RateRoute{Name: r.name, Request: req, Clients: r.clients,
			PerSec: math.Round(med("req/s")), Bytes: math.Round(med("bytes/req")),
			Reads: med("reads/req"), Writes: med("writes/req"), Deletes: med("deletes/req"),
			Queries: med("queries/req"), PerQuery: med("reads/query")})
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(*ratesOut, append(b, '\n'), 0o644)
}

func gitCommit() string {
	out, err := exec.Command("git", "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// machine names the CPU and how many this process may use.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d CPUs, Linux", model, runtime.NumCPU())
}
