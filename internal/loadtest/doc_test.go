// Package loadtest is the load benchmark behind docs/benchmarks.md: the
// app's real binary (package apptest) against each Datastore emulator,
// driven by concurrent visitors with a lean HTTP/1.1 client of their own,
// beside the bare Datastore calls the same requests need; and how many
// requests of each costly route one server process answers a second, with
// the Datastore entities each reads and writes (BenchmarkRates, for
// docs/deploy.md's "What it can cost").
//
// The package is tests alone, so nothing of it is built into any program.
// Its other files are built on Linux alone, where the figures are measured:
// the benchmarks read CPU time from /proc and pin the emulator with
// sched_setaffinity. This file, without a build constraint, keeps the
// package non-empty on every system, so that go vet for macOS and Windows
// passes. `make bench-load` and `make bench-rates` run the benchmarks;
// `make test` runs only the tests of the visitors' client.
package loadtest
