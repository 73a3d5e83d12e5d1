# The two commands of the README, and a few for developers. Each runs with
# what a Mac has (GNU make 3.81, /bin/bash 3.2); without make, the README
# gives each one's go command.
#   make run     serve the app on http://localhost:$(PORT) against the Datastore emulator (go run ./dev)
#   make doctor  check that this machine has what the lesson needs (go run ./dev doctor)
#   make test    gofmt and go vet checks (also for macOS and Windows), then every
#                test, with the race detector where there is a C compiler
#   make exercise N=1  check exercise 1 of the lesson in this working tree
SHELL := /bin/bash
PORT ?= 8080
export PORT

.PHONY: run doctor test check bench bench-load bench-rates fuzz exercise exercises-verify

run:
	@go run ./dev

doctor:
	@go run ./dev doctor

# go vet for each system a student brings, so that code for one system
# alone stays in files with build constraints; with the exercises' checks
# (build tag exercise), which go test ./... leaves out.
check:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then \
		echo "gofmt would change these files (run: gofmt -w .):"; echo "$$unformatted"; exit 1; fi
	go vet -tags exercise ./...
	GOOS=darwin GOARCH=arm64 go vet -tags exercise ./...
	GOOS=darwin GOARCH=amd64 go vet -tags exercise ./...
	GOOS=windows GOARCH=amd64 go vet -tags exercise ./...

# go test runs packages in the order it is given them, as many at a time as
# go run ./dev test lets it (twice the cores): the slowest go first, so that
# the run does not end on one of them alone.
SLOWEST := ./internal/web ./sessionstore

# The race detector needs cgo, and so a C compiler: without one (go env
# CGO_ENABLED says 0), the tests run without it, and say so, except under
# CI=true. The whole output goes to the terminal as it comes; if anything
# failed, the names of the failed tests close it, so they need no search in
# the log.
test: check
	@race=-race; \
	if [ "$$(go env CGO_ENABLED)" != 1 ]; then \
		case "$$CI" in ""|false|0) ;; *) echo "make test: CI=true, and no C compiler for the race detector (go env CC: $$(go env CC))"; exit 1;; esac; \
		echo "make test: no C compiler (go env CC: $$(go env CC)), so the tests run without the race detector; make doctor says how to install one"; \
		race=; \
	fi; \
	log="$$(mktemp)"; trap 'rm -f "$$log"' EXIT; \
	go run ./dev test $$race $(SLOWEST) ./... 2>&1 | tee "$$log"; status=$${PIPESTATUS[0]}; \
	if [ "$$status" -ne 0 ]; then \
		echo; echo "make test: FAILED. The failed tests:"; \
		grep -E '^[[:space:]]*--- FAIL:|^FAIL[[:space:]]|^panic:' "$$log" | sed -E 's/^[[:space:]]*--- FAIL: /  /; s/ \([0-9.]+s\)$$//' ; \
	fi; exit $$status

# The lesson's exercises (docs/lesson.md §9), Go tests behind the build tag
# exercise in exercises/: N=1 serves the app of this working tree against
# the Datastore emulator and checks exercise 1 step by step (exit 0 when it
# is done); without N, the list of every exercise and whether it passes
# (go test -C runs in the folder, so that its output shows when it passes).
exercise:
	@case "$(N)" in \
	"") go test -C exercises -tags exercise -run '^TestExercises$$' ;; \
	[1-9]|10) go test -C exercises -tags exercise -v -run '^TestExercise$(N)$$' ;; \
	*) echo "make exercise N=<number of the exercise, 1 to 10>"; exit 2 ;; \
	esac

# Every exercise's check both ways, as CI runs it: each fails on this tree,
# and passes on a copy with each reference solution of exercises/solutions
# applied (two at a time, on one emulator).
exercises-verify:
	go run ./dev test -C exercises -tags exercise -v -run '^TestSolutions$$' -timeout 30m

# Each fuzzer for a while (FUZZTIME). The sessionstore fuzzers that need no
# Datastore get a dummy emulator address, so that no fuzz worker starts one.
FUZZTIME ?= 60s
fuzz:
	go test -run '^$$' -fuzz '^FuzzParseCode$$' -fuzztime $(FUZZTIME) ./mastermind
	DATASTORE_EMULATOR_HOST=127.0.0.1:9 go test -run '^$$' -fuzz '^FuzzDecodeValues$$' -fuzztime $(FUZZTIME) ./sessionstore

# Micro-benchmarks: session encoding, a request against the emulator, the
# Knuth hint. Figures go to docs/benchmarks.md.
bench:
	go test -run '^$$' -bench . -benchmem -count 6 ./...

# The load benchmark of the real server (docs/benchmarks.md): the built
# binary against each emulator (pinned to the first CPU, -load.pin), 16
# visitors, 2000 requests a run, 5 runs; then its startup time. Options
# after -args: -load.visitors=N, -load.emulators=firestore,datastore,
# -load.pin=false.
bench-load:
	go test -run '^$$' -bench Load -benchtime 2000x -count 5 -timeout 30m ./internal/loadtest
	go test -run '^$$' -bench Startup -benchtime 20x -count 5 ./internal/loadtest

# What one server process answers a second of each route a client could
# repeat to run up the bill, the bytes it sends and the Datastore operations
# each request costs: the built binary against the Firestore emulator
# (pinned as for bench-load), 3 runs of 2 s per route. The medians go to
# docs/rates.json, from which docs/deploy.md's "What it can cost" is
# computed (go test -run TestCost -update . writes it again).
bench-rates:
	go test -run '^$$' -bench Rates -benchtime 2s -count 3 -timeout 30m ./internal/loadtest -args -rates.out="$(CURDIR)/docs/rates.json"
