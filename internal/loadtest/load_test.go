//go:build linux

package loadtest

// BenchmarkLoad and BenchmarkStartup measure the real server: the app's
// binary (apptest.Build), run as a process of its own against a
// Datastore emulator on loopback. Benchmarks run only with -bench, so `make test`
// never pays for them; `make bench-load` runs them.

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/apptest"
	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/internal/web"
)

var (
	loadVisitors  = flag.Int("load.visitors", 16, "BenchmarkLoad: concurrent visitors, each with its own cookies")
	loadTimeout   = flag.Duration("load.timeout", 3*time.Minute, "BenchmarkLoad, BenchmarkRates: bound on one run, whatever -benchtime asks")
	loadEmulators = flag.String("load.emulators", "firestore,datastore", "BenchmarkLoad: the emulators to run against, comma-separated")
	loadPin       = flag.Bool("load.pin", true, "BenchmarkLoad, BenchmarkRates: run the emulator on the first CPU this process may use and the server, the visitors and the bare calls on the others, as Datastore runs on machines of its own (needs Linux and 2 CPUs)")
	loadWarmup    = flag.Int("load.warmup", 8000, "BenchmarkLoad, BenchmarkRates: operations of each mix (bare calls, and requests through a server) run once per emulator before its first measured run, so that no run measures a cold JVM; 0 for none")
)

// loadRounds interleaves the HTTP load with the bare Datastore calls, so
// that both meet the same emulator, as warm and as loaded.
const loadRounds = 4

// BenchmarkLoad drives the real server with concurrent visitors, each
// reading and clicking the counter, and measures in the same run the bare
// Datastore calls those requests need. One op is one request; run it with
// -benchtime Nx for N requests per run (see the Makefile's bench-load).
// How many Datastore calls each request makes is asserted per request by
// internal/web's TestCounter_datastoreCallsPerRequest.
func BenchmarkLoad(b *testing.B) {
	bin := apptest.Build(b)
	for _, e := range benchEmulators(b) {
		name := fmt.Sprintf("%s/visitors=%d", e.Mode, *loadVisitors)
		if *loadPin {
			// The "-N" Go appends is GOMAXPROCS at start (2 here); pinned, this process and the server get N-1 CPUs.
			name += "/pinned"
		}
		b.Run(name, func(b *testing.B) { benchLoad(b, bin, e) })
	}
}

func benchLoad(b *testing.B, bin string, e *dstest.Emulator) {
	b.StopTimer()
	visitors := *loadVisitors
	ctx, cancel := context.WithTimeout(context.Background(), *loadTimeout)
	defer cancel()

	// Every visitor clicks once, so that every read after is a returning
	// visitor's. Once per emulator, the long warm-up of its JVM
	// (warmEmulator), through the server and with the bare calls; then,
	// every run, a short one of the connections.
	srv, vs := startLoad(b, ctx, bin, e, visitors, clickOnceEach)
	client, _ := e.Client(b, web.DatastoreOptions...)
	bare, err := newBareCalls(ctx, client, dstest.Namespace(b), visitors)
	if err != nil {
		b.Fatalf("bare entities: %v", err)
	}
	warmEmulator(b, e, "bare calls", func(n int) mixResult {
		return runMix(ctx, 0, n, visitors, clickEvery, bare.do)
	})
	warm := max(4*visitors, 100)
	if r := driveVisitors(ctx, vs, 0, warm); r.errors > 0 {
		b.Fatalf("warm-up: %d of %d requests failed; first: %q", r.errors, r.done(), r.errText)
	}
	if r := runMix(ctx, 0, warm, visitors, clickEvery, bare.do); r.errors > 0 {
		b.Fatalf("warm-up: %d of %d bare Datastore calls failed; first: %q", r.errors, r.done(), r.errText)
	}

	var web, direct mixResult
	var visitorsCPU time.Duration // this process's, while the visitors run
	cpu0 := serverCPU(b, srv)
	for round := range loadRounds {
		first, n := round*b.N/loadRounds, (round+1)*b.N/loadRounds-round*b.N/loadRounds
		if round%2 == 1 {
			direct.add(runMix(ctx, first, n, visitors, clickEvery, bare.do))
		}
		c := selfCPU()
		b.StartTimer()
		web.add(driveVisitors(ctx, vs, first, n))
		b.StopTimer()
		visitorsCPU += selfCPU() - c
		if round%2 == 0 {
			direct.add(runMix(ctx, first, n, visitors, clickEvery, bare.do))
		}
	}
	srvCPU := serverCPU(b, srv) - cpu0
	lost, err := lostClicks(ctx, vs)
	if err != nil {
		b.Errorf("checking the counts: %v", err)
	}
	peak := srv.PeakRSS(b)
	srv.Stop(b)

	if ctx.Err() != nil {
		b.Errorf("stopped by -load.timeout=%v after %d of %d requests", *loadTimeout, web.done(), b.N)
	}
	if web.errors > 0 {
		b.Errorf("%d of %d requests failed; first: %q", web.errors, web.done(), web.errText)
	}
	if direct.errors > 0 {
		b.Errorf("%d of %d bare Datastore calls failed; first: %q", direct.errors, direct.done(), direct.errText)
	}
	if lost > 0 {
		b.Errorf("%d clicks answered 200 were not counted", lost)
	}

	readP50, clickP50 := percentile(web.lat[opRead], .5), percentile(web.lat[opClick], .5)
	lookupP50, txP50 := percentile(direct.lat[opRead], .5), percentile(direct.lat[opClick], .5)
	b.ReportMetric(float64(web.done())/web.elapsed.Seconds(), "req/s")
	b.ReportMetric(ms(readP50), "read-p50-ms")
	b.ReportMetric(ms(percentile(web.lat[opRead], .99)), "read-p99-ms")
	b.ReportMetric(ms(clickP50), "click-p50-ms")
	b.ReportMetric(ms(percentile(web.lat[opClick], .99)), "click-p99-ms")
	b.ReportMetric(ms(lookupP50), "lookup-p50-ms")
	b.ReportMetric(ms(percentile(direct.lat[opRead], .99)), "lookup-p99-ms")
	b.ReportMetric(ms(txP50), "tx-p50-ms")
	b.ReportMetric(ms(percentile(direct.lat[opClick], .99)), "tx-p99-ms")
	b.ReportMetric(float64(readP50)/float64(max(lookupP50, 1)), "read/lookup")
	b.ReportMetric(float64(clickP50)/float64(max(txP50, 1)), "click/tx")
	// What the server adds, in absolute terms: the ratio above also moves
	// with how fast the emulator is, this does not.
	b.ReportMetric(ms(readP50-lookupP50), "read-minus-lookup-ms")
	b.ReportMetric(float64(web.errors), "errors")
	b.ReportMetric(float64(lost), "lost-clicks")
	b.ReportMetric(peak, "peak-RSS-MiB")
	b.ReportMetric(perReq(srvCPU, web.done()), "server-cpu-us/req")
	b.ReportMetric(perReq(visitorsCPU, web.done()), "client-cpu-us/req")
}

// firsts records what firstTime has seen: struct{e; what} → true.
var firsts sync.Map

// firstTime reports whether this is the first call with emulator e and
// what in this test binary.
func firstTime(e *dstest.Emulator, what string) bool {
	_, seen := firsts.LoadOrStore(struct {
		e    *dstest.Emulator
		what string
	}{e, what}, true)
	return !seen
}

// warmEmulator runs -load.warmup operations of a mix with run, once per
// emulator and mix in this test binary, before the first measured run: the
// emulator's JVM gets about 3 times faster over its first several thousand
// calls as it compiles them, so without this the first runs of a -count
// series would measure a cold emulator, and their ratios to a warm one
// would flatter. BenchmarkLoad warms both its mixes, the bare calls and the
// requests through the server; BenchmarkRates, which shares the requests,
// only those. It takes a few seconds; the short warm-up of every run stays,
// for the connections.
func warmEmulator(b *testing.B, e *dstest.Emulator, mix string, run func(n int) mixResult) {
	b.Helper()
	if *loadWarmup <= 0 || !firstTime(e, "warm-up of "+mix) {
		return
	}
	r := run(*loadWarmup)
	if r.errors > 0 {
		b.Fatalf("emulator warm-up: %d of %d %s failed; first: %q", r.errors, r.done(), mix, r.errText)
	}
	b.Logf("emulator warm-up: %d %s in %v", r.done(), mix, r.elapsed.Round(time.Millisecond))
}

// BenchmarkStartup measures how long the built server takes from the start
// of its process to its first answer (GET /counter, which needs no
// Datastore call), and to its first click (the first Datastore round trip,
// which opens the connection).
func BenchmarkStartup(b *testing.B) {
	bin := apptest.Build(b)
	e := dstest.First(b)
	var first, click time.Duration
	b.ResetTimer()
	for range b.N {
		srv := startServer(b, bin, e)
		first += srv.Startup
		v := newVisitors(b, srv.Base, 1)[0]
		if _, err := v.counter(context.Background(), opClick); err != nil {
			b.Fatalf("first click: %v", err)
		}
		click += time.Since(srv.Started)
		b.StopTimer()
		v.close()
		srv.Stop(b)
		b.StartTimer()
	}
	b.ReportMetric(ms(first)/float64(b.N), "startup-ms")
	b.ReportMetric(ms(click)/float64(b.N), "first-click-ms")
}

// benchEmulators returns the emulators -load.emulators names: the one the
// test binary started, and any other started for this benchmark.
func benchEmulators(b *testing.B) []*dstest.Emulator {
	b.Helper()
	first := dstest.First(b)
	if first.Mode == dstest.External {
		return []*dstest.Emulator{first}
	}
	var es []*dstest.Emulator
	for _, m := range strings.Split(*loadEmulators, ",") {
		switch mode := dstest.Mode(strings.TrimSpace(m)); mode {
		case first.Mode:
			es = append(es, first)
		case dstest.Datastore, dstest.Firestore:
			es = append(es, dstest.Start(b, mode))
		default:
			b.Fatalf("-load.emulators: unknown emulator %q, want firestore or datastore", m)
		}
	}
	return es
}
