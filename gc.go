package main

import "runtime/debug"

// The garbage collector's settings when the environment sets none. The
// server's live heap is small (a few MiB: sessions live in Datastore, not
// here) while every request allocates, so Go's default GOGC=100 collects
// very often; 400 cut the server's CPU per request by about a sixth in the
// load benchmark (docs/benchmarks.md), for a peak memory still well under
// 64 MiB. The soft limit bounds that growth to half of App Engine's
// smallest instance (F1, 384 MB) should the live heap ever grow.
const (
	defaultGCPercent   = 400
	defaultMemoryLimit = 192 << 20
)

// tuneGC applies the defaults above, leaving alone what the operator chose
// through GOGC or GOMEMLIMIT (which the Go runtime has already applied).
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}
