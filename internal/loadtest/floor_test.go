//go:build linux

package loadtest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

// BenchmarkLoadFloor puts the app's read beside the least any HTTP server
// in front of Datastore can cost, in one process, with the same visitors:
// a bare Lookup; a minimal handler that makes that Lookup and answers a
// fixed JSON body (the floor); and the app's GET /counter. It tells the
// app's own cost per read (sessions, middleware, logging) apart from the
// cost of HTTP itself on this machine. One op is one read of each kind.
func BenchmarkLoadFloor(b *testing.B) {
	e := dstest.First(b)
	name := fmt.Sprintf("%s/visitors=%d", e.Mode, *loadVisitors)
	if *loadPin {
		// The "-N" Go appends is GOMAXPROCS at start (2 here); pinned, this process and the server get N-1 CPUs.
		name += "/pinned"
	}
	b.Run(name, func(b *testing.B) { benchFloor(b, e) })
}

func benchFloor(b *testing.B, e *dstest.Emulator) {
	b.StopTimer()
	visitors := *loadVisitors
	ctx, cancel := context.WithTimeout(context.Background(), *loadTimeout)
	defer cancel()
	ns := dstest.Namespace(b)
	if *loadPin {
		pin := pinCPUs(b, e)
		defer pin.undo(b)
		pin.check(b)
	}

	bare, err := newBareCalls(ctx, benchClient(b, e), ns, visitors)
	if err != nil {
		b.Fatalf("bare entities: %v", err)
	}
	floorClient := benchClient(b, e)
	floor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ent bareEntity
		if err := floorClient.Get(r.Context(), bare.keys[0], &ent); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"count": 1}`))
	}))
	defer floor.Close()
	app := httptest.NewServer(appHandler(b, benchClient(b, e), ns))
	defer app.Close()

	fv, av := newLoadVisitors(b, floor.URL, visitors), newLoadVisitors(b, app.URL, visitors)
	defer closeLoadVisitors(fv)
	defer closeLoadVisitors(av)
	if err := clickOnceEach(ctx, av); err != nil {
		b.Fatalf("warm-up: %v", err)
	}
	reads := func(vs []*loadVisitor) func(first, n int) mixResult {
		return func(first, n int) mixResult { return driveVisitors(ctx, vs, first, n, 0) }
	}
	kinds := []func(first, n int) mixResult{
		func(first, n int) mixResult { return runMix(ctx, first, n, visitors, 0, bare.do) },
		reads(fv),
		reads(av),
	}
	// The emulator's JVM, once per emulator, with the bare calls of
	// BenchmarkLoad's mix (warmEmulator); then every kind, every run.
	warmEmulator(b, e, "bare calls", func(n int) mixResult {
		return runMix(ctx, 0, n, visitors, *loadClickEvery, bare.do)
	})
	for _, run := range kinds { // warm-up
		run(0, max(4*visitors, 100))
	}
	results := make([]mixResult, len(kinds))
	cpu := make([]cpuSplit, len(kinds))
	b.StartTimer()
	for round := range loadRounds {
		first, n := round*b.N/loadRounds, (round+1)*b.N/loadRounds-round*b.N/loadRounds
		for i, run := range kinds {
			c := takeCPU(e)
			results[i].add(run(first, n))
			cpu[i].add(takeCPU(e).since(c))
		}
	}
	b.StopTimer()
	p50 := make([]time.Duration, len(kinds))
	for i, r := range results {
		if r.errors > 0 {
			b.Errorf("%d of %d reads failed; first: %q", r.errors, r.done(), r.errText)
		}
		p50[i] = percentile(r.lat[opRead], .5)
	}
	b.ReportMetric(ms(p50[0]), "lookup-p50-ms")
	b.ReportMetric(ms(p50[1]), "floor-p50-ms")
	b.ReportMetric(ms(p50[2]), "app-p50-ms")
	b.ReportMetric(float64(p50[1])/float64(max(p50[0], 1)), "floor/lookup")
	b.ReportMetric(float64(p50[2])/float64(max(p50[0], 1)), "app/lookup")
	// This process runs the visitors and both servers, so its CPU is theirs
	// together; the emulator's is apart. The emulator's JVM spins, keeping
	// its core about fully busy whatever the load, so its figure is about
	// the phase's length over its reads, idle time included, not what one
	// read costs it (as in BenchmarkLoad).
	for i, name := range []string{"lookup", "floor", "app"} {
		b.ReportMetric(cpu[i].client.perOp(results[i].done()), name+"-process-cpu-us/op")
		if cpu[i].emulatorKnown {
			b.ReportMetric(cpu[i].emulator.perOp(results[i].done()), name+"-emulator-cpu-us/op-incl-idle")
		}
	}
}
