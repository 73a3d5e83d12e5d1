// Package emulator starts the Google Cloud CLI's Datastore emulators, on
// Linux, macOS and Windows alike, for `make run` (command dev), the tests
// (internal/dstest) and the exercise checks.
//
// Start runs gcloud with everything it starts below it, waits until the
// emulator answers and has served a first write, transaction and query,
// and Stop ends all of it. If the caller dies first (a panic, a kill, a
// closed terminal), the emulator dies with it: through a watchdog in its
// process group on Unix (proc_unix.go), through a job object on Windows
// (proc_windows.go). Nothing else here depends on the system.
package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"cloud.google.com/go/datastore"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// Mode names one of the two emulators the Google Cloud CLI ships.
type Mode string

const (
	// Datastore is the legacy Cloud Datastore emulator, run with
	// --consistency=1.0 so that queries see every committed write.
	Datastore Mode = "datastore"
	// Firestore is the Firestore emulator in Datastore mode: what new Cloud
	// projects get.
	Firestore Mode = "firestore"
	// External is an emulator someone else started
	// (DATASTORE_EMULATOR_HOST); Stop leaves it running.
	External Mode = "external"
)

// Options say which emulator to start and how.
type Options struct {
	Mode Mode
	// Host is the loopback host:port to serve on; empty picks a free port.
	Host string
	// Project is the project id the emulator serves (the Datastore
	// emulator's --project); empty is "local-" plus the mode.
	Project string
	// DataDir keeps the Datastore emulator's data across restarts; empty
	// keeps it in memory. The Firestore emulator always keeps it in memory.
	DataDir string
	// LogFile receives the emulator's output; empty is a new temporary
	// file. Errors name it.
	LogFile string
}

// readyWithin bounds the wait for the emulator to answer: a JVM's first
// start on a busy laptop.
const readyWithin = 90 * time.Second

// Emulator is a running emulator.
type Emulator struct {
	Mode    Mode
	Host    string // host:port
	Project string
	LogFile string

	proc     *process // nil for External
	graceful bool     // keeps data: ask it to shut down before killing it
	stopOnce sync.Once
	exited   chan struct{}
	err      error // gcloud's exit, once exited is closed
}

// ErrNotInstalled is the cause of Start's error when gcloud is not on
// PATH.
var ErrNotInstalled = errors.New("emulator: the Google Cloud CLI (gcloud) is not on PATH")

// Start starts the emulator o describes and returns once it serves, or
// ctx ends, or readyWithin passes. Its error names the log and, when a piece
// seems missing, what to install.
func Start(ctx context.Context, o Options) (*Emulator, error) {
	gcloud, err := exec.LookPath("gcloud")
	if err != nil {
		return nil, fmt.Errorf("%w; %s", ErrNotInstalled, InstallHint())
	}
	e := &Emulator{Mode: o.Mode, Host: o.Host, Project: o.Project, exited: make(chan struct{}),
		graceful: o.DataDir != ""}
	if e.Host == "" {
		port, err := FreePort()
		if err != nil {
			return nil, err
		}
		e.Host = fmt.Sprintf("127.0.0.1:%d", port)
	}
	if e.Project == "" {
		e.Project = "local-" + string(o.Mode)
	}
	var args []string
	switch o.Mode {
	case Datastore:
		args = []string{"beta", "emulators", "datastore", "start", "--consistency=1.0",
			"--host-port=" + e.Host, "--project=" + e.Project}
		if o.DataDir != "" {
			args = append(args, "--data-dir="+o.DataDir)
		} else {
			args = append(args, "--no-store-on-disk")
		}
	case Firestore:
		args = []string{"emulators", "firestore", "start", "--database-mode=datastore-mode", "--host-port=" + e.Host}
	default:
		return nil, fmt.Errorf("emulator: unknown mode %q", o.Mode)
	}
	var logf *os.File
	if o.LogFile != "" {
		logf, err = os.Create(o.LogFile)
	} else {
		logf, err = os.CreateTemp("", "emulator-"+string(o.Mode)+"-*.log")
	}
	if err != nil {
		return nil, fmt.Errorf("emulator: log file: %w", err)
	}
	defer logf.Close()
	e.LogFile = logf.Name()

	cmd := exec.Command(gcloud, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if e.proc, err = startProcess(cmd); err != nil {
		return nil, fmt.Errorf("emulator: start %s emulator: %w", o.Mode, err)
	}
	go func() { e.err = cmd.Wait(); close(e.exited) }()

	ctx, cancel := context.WithTimeout(ctx, readyWithin)
	defer cancel()
	for !answers(e.Host) {
		select {
		case <-e.exited:
			e.Stop()
			return nil, fmt.Errorf("emulator: the %s emulator exited before it answered (%v); its log is %s%s",
				o.Mode, e.err, e.LogFile, hintSuffix())
		case <-ctx.Done():
			e.Stop()
			return nil, fmt.Errorf("emulator: the %s emulator did not answer on %s (%w); its log is %s",
				o.Mode, e.Host, context.Cause(ctx), e.LogFile)
		case <-time.After(100 * time.Millisecond):
		}
	}
	if err := e.warm(ctx); err != nil {
		e.Stop()
		return nil, fmt.Errorf("emulator: %s emulator: %w; its log is %s", o.Mode, err, e.LogFile)
	}
	return e, nil
}

// Stop ends the emulator and everything gcloud started for it, and waits
// for gcloud to exit. An emulator with a DataDir is first asked to shut
// down (its POST /shutdown, the same on every system), so that it saves
// its data, and given 10 s; one in memory is killed at once. Stop on an
// External emulator does nothing.
func (e *Emulator) Stop() {
	if e == nil || e.proc == nil {
		return
	}
	e.stopOnce.Do(e.stop)
}

func (e *Emulator) stop() {
	if e.graceful {
		c := http.Client{Timeout: 5 * time.Second}
		if resp, err := c.Post("http://"+e.Host+"/shutdown", "text/plain", nil); err == nil {
			resp.Body.Close()
		}
		select {
		case <-e.exited:
		case <-time.After(10 * time.Second):
		}
	}
	e.proc.kill()
	<-e.exited
	e.proc.release()
}

func hintSuffix() string {
	if h := InstallHint(); h != "" {
		return "; " + h
	}
	return ""
}

// answers reports whether the emulator at host answers GET / with "Ok".
func answers(host string) bool {
	c := http.Client{Timeout: time.Second}
	resp, err := c.Get("http://" + host + "/")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 16))
	return resp.StatusCode == http.StatusOK && strings.TrimSpace(string(body)) == "Ok"
}

// warm makes the first write, transaction, lookup and query of a new
// emulator, which take seconds on a busy machine (its JVM compiles them;
// the Firestore emulator creates the database), so that no request's
// first call meets them under the app's 4-second deadline: the cause of
// a rare 503 in whichever test ran first.
func (e *Emulator) warm(ctx context.Context) error {
	client, err := datastore.NewClient(ctx, e.Project, e.ClientOptions()...)
	if err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	defer client.Close()
	type entity struct{ N int }
	key := datastore.NameKey("Warmup", "emulator", nil)
	key.Namespace = "emulator-warmup"
	if _, err := client.Put(ctx, key, &entity{N: 1}); err != nil {
		return fmt.Errorf("warm-up write: %w", err)
	}
	if _, err := client.RunInTransaction(ctx, func(tx *datastore.Transaction) error {
		var ent entity
		if err := tx.Get(key, &ent); err != nil {
			return err
		}
		ent.N++
		_, err := tx.Put(key, &ent)
		return err
	}); err != nil {
		return fmt.Errorf("warm-up transaction: %w", err)
	}
	q := datastore.NewQuery("Warmup").Namespace(key.Namespace).FilterField("N", ">", 0).KeysOnly()
	if _, err := client.GetAll(ctx, q, nil); err != nil {
		return fmt.Errorf("warm-up query: %w", err)
	}
	if err := client.Delete(ctx, key); err != nil {
		return fmt.Errorf("warm-up delete: %w", err)
	}
	return nil
}

// ClientOptions returns the options that connect a Datastore client to the
// emulator without credentials, plus extra.
func (e *Emulator) ClientOptions(extra ...option.ClientOption) []option.ClientOption {
	return append([]option.ClientOption{
		option.WithEndpoint("passthrough:///" + e.Host),
		option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())),
	}, extra...)
}

// FreePort returns a loopback TCP port that nothing listens on now.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("emulator: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
