// Command dev serves the app on a laptop against the Datastore emulator:
// what `make run` runs, and the same without make:
//
//	go run ./dev           serve on http://localhost:$PORT (8080); Ctrl-C stops
//	go run ./dev doctor    check that this machine has what the lesson needs
//	go run ./dev test ARGS go test ARGS, with both emulators started once for
//	                       every test binary instead of once in each
//
// Without DATASTORE_EMULATOR_HOST it starts the Datastore emulator on
// 127.0.0.1:$DATASTORE_EMULATOR_PORT (8081), keeping its data in
// $DATASTORE_DATA_DIR (.datastore), so that a restart loses no session,
// and stops it when the app stops. It runs on Linux, macOS and Windows
// alike; it needs neither make nor a shell.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/internal/emulator"
)

func main() {
	switch {
	case len(os.Args) == 1:
		os.Exit(run())
	case len(os.Args) == 2 && os.Args[1] == "doctor":
		os.Exit(doctor(context.Background(), os.Stdout, emulator.Inspect(context.Background())))
	case len(os.Args) > 2 && os.Args[1] == "test":
		os.Exit(test(os.Args[2:]))
	default:
		fmt.Fprintln(os.Stderr, "usage: go run ./dev [doctor | test GO-TEST-ARGS...]")
		os.Exit(2)
	}
}

// getenv is os.Getenv with a default.
func getenv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, "run: "+format+"\n", args...) }

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if _, err := os.Stat("go.mod"); err != nil {
		logf("run this from the repository's root folder (where go.mod is)")
		return 1
	}
	port := getenv("PORT", "8080")
	if taken(port) {
		logf("port %s is taken, by another make run perhaps; set PORT to a free one (PORT=8090 make run)", port)
		return 1
	}

	host, project := os.Getenv("DATASTORE_EMULATOR_HOST"), getenv("DATASTORE_PROJECT_ID", "local-sessions")
	var em *emulator.Emulator
	started := make(chan error, 1)
	if host == "" {
		emPort := getenv("DATASTORE_EMULATOR_PORT", "8081")
		if taken(emPort) {
			logf("port %s is taken; set DATASTORE_EMULATOR_PORT to a free one,", emPort)
			logf("or DATASTORE_EMULATOR_HOST=127.0.0.1:%s if that is a running emulator", emPort)
			return 1
		}
		dir, err := filepath.Abs(getenv("DATASTORE_DATA_DIR", ".datastore"))
		if err == nil {
			err = os.MkdirAll(dir, 0o755)
		}
		if err != nil {
			logf("data folder: %v", err)
			return 1
		}
		host = "127.0.0.1:" + emPort
		logf("starting the Datastore emulator on %s (data in %s)", host, dir)
		// The emulator's JVM starts while the app builds.
		go func() {
			var err error
			em, err = emulator.Start(ctx, emulator.Options{Mode: emulator.Datastore, Host: host, Project: project,
				DataDir: dir, LogFile: filepath.Join(dir, "emulator.log")})
			started <- err
		}()
	} else {
		started <- nil
	}
	defer func() {
		if em != nil {
			em.Stop()
			logf("stopped the Datastore emulator")
		}
	}()

	bin, err := build(ctx)
	if errStart := <-started; errStart != nil {
		logf("%v", errStart)
		return 1
	}
	if err != nil {
		logf("%v", err)
		return 1
	}
	defer os.RemoveAll(filepath.Dir(bin))

	app := exec.Command(bin)
	app.Env = append(os.Environ(), "PORT="+port, "DATASTORE_EMULATOR_HOST="+host, "DATASTORE_PROJECT_ID="+project)
	app.Stdout, app.Stderr = os.Stdout, os.Stderr
	if err := app.Start(); err != nil {
		logf("start the app: %v", err)
		return 1
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	logf("serving on http://localhost:%s (Ctrl-C stops)", port)
	select {
	case err := <-exited:
		logf("the app stopped: %v", err)
		return 1
	case <-ctx.Done():
	}
	// A terminal's Ctrl-C reaches the app too; a SIGTERM to this process
	// alone is passed on. Either way the app finishes its requests first.
	interrupt(app.Process)
	select {
	case <-exited:
	case <-time.After(15 * time.Second):
		app.Process.Kill()
		<-exited
	}
	return 0
}

// test runs go test with args, its test binaries sharing two emulators
// started here (dstest.Serve) instead of each starting its own: on two
// cores, a JVM's start costs a package's tests several seconds. Without
// the emulators it runs go test all the same, whose tests then say what is
// missing. A terminal's Ctrl-C reaches go test too; this waits for it.
//
// Unless args say -p, go test runs twice as many test binaries at a time
// as there are CPUs, not as many: they mostly wait, on the emulators and
// on deadlines (make test, -race, two cores: 73 s instead of 93).
func test(args []string) int {
	signal.Ignore(os.Interrupt)
	if !slices.ContainsFunc(args, func(a string) bool { return a == "-p" || strings.HasPrefix(a, "-p=") }) {
		// After -C, which go test wants first.
		i := 0
		if len(args) > 1 && args[0] == "-C" {
			i = 2
		} else if len(args) > 0 && strings.HasPrefix(args[0], "-C=") {
			i = 1
		}
		args = slices.Insert(args, i, "-p", strconv.Itoa(2*runtime.GOMAXPROCS(0)))
	}
	cmd := exec.Command("go", append([]string{"test"}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	env, stop, err := dstest.Serve()
	if err != nil {
		fmt.Fprintln(os.Stderr, "dev test: each test binary starts its own emulators:", err)
	} else {
		defer stop()
		cmd.Env = append(os.Environ(), env)
	}
	if err := cmd.Run(); err != nil {
		if exit, ok := err.(*exec.ExitError); ok && exit.ExitCode() > 0 {
			return exit.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "dev test:", err)
		return 1
	}
	return 0
}

// build builds the app into a temporary folder and returns its path.
func build(ctx context.Context) (string, error) {
	dir, err := os.MkdirTemp("", "sessions-go-run-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "sessions-go")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("go build: %w", err)
	}
	return bin, nil
}

// taken reports whether something listens on the loopback port.
func taken(port string) bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", port), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// answers reports whether base's home page answers 200 within d.
func answers(ctx context.Context, base string, d time.Duration) error {
	c := &http.Client{Timeout: 2 * time.Second}
	defer c.CloseIdleConnections()
	deadline := time.Now().Add(d)
	for {
		resp, err := c.Get(base + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = errors.New(resp.Status)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("GET %s/: %w", base, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
