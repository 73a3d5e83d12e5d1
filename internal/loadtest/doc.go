// Package loadtest is the load benchmark behind docs/benchmarks.md: the
// app's real binary (package serverproc) against each Datastore emulator,
// driven by concurrent visitors with a lean HTTP/1.1 client of their own,
// beside the bare Datastore calls the same requests need, and the least any
// HTTP server in front of Datastore can cost (BenchmarkLoadFloor); and how
// many requests of each costly route one server process answers a second,
// with the Datastore entities each reads and writes (BenchmarkRates, for
// docs/deploy.md's "What it can cost").
//
// Everything is in its tests, with what the benchmarks alone need: pinning
// the emulator and the server to CPUs of their own, and reading the CPU
// time of each; so the tests are built on Linux alone (its /proc and
// sched_setaffinity), where the figures are measured. `make bench-load` and `make bench-rates` run the
// benchmarks, and `make test` runs only the tests of the visitors' client
// and of the pinning.
package loadtest
