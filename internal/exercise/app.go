package exercise

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gae-lessons/sessions-go/internal/emulator"
)

// modulePath is the app's module; a tree to build must be that module.
const modulePath = "github.com/gae-lessons/sessions-go"

// sessionKeys signs the checked app's sessions: fixed, so that the app
// needs no Datastore call for its keys (base64 of 32 bytes).
const sessionKeys = "ZXhlcmNpc2UtY2hlY2tlci1zaWduaW5nLWtleS0zMmI="

// BuildError is a tree that does not compile; Output is what go build said.
type BuildError struct {
	Output string
}

func (e *BuildError) Error() string {
	return "go build failed: your code does not compile; the compiler says:\n" + indent(head(e.Output, 20))
}

// Build builds the app from the working tree root into dir and returns the
// binary's path. It builds with -trimpath so that the packages a change did
// not touch come from the build cache whatever folder the tree is in (the
// verifier builds copies of the tree in temporary folders), and without
// debug information (-s -w), which nobody reads here: linking, the one step
// no cache saves, took 0.9 s of CPU instead of 1.3 s.
func Build(ctx context.Context, root, dir string) (string, error) {
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("%s is not the app's working tree (no go.mod): run this from the repository's root", root)
	}
	if !bytes.Contains(gomod, []byte("module "+modulePath+"\n")) {
		return "", fmt.Errorf("%s holds another module than %s: run this from the app's repository", root, modulePath)
	}
	bin := filepath.Join(dir, "sessions-go")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", &BuildError{Output: strings.TrimSpace(string(out))}
		}
		return "", fmt.Errorf("go build: %w", err)
	}
	return bin, nil
}

// Datastore is the emulator the checked app runs against.
type Datastore struct {
	Host    string
	Project string
	stop    func()
}

// StartDatastore returns the emulator named by DATASTORE_EMULATOR_HOST, or
// starts one as the tests do (internal/dstest: the legacy Datastore
// emulator, in memory and strongly consistent). Close stops what it
// started.
func StartDatastore() (*Datastore, error) {
	if host := os.Getenv("DATASTORE_EMULATOR_HOST"); host != "" {
		project := os.Getenv("DATASTORE_PROJECT_ID")
		if project == "" {
			project = "exercise"
		}
		return &Datastore{Host: host, Project: project, stop: func() {}}, nil
	}
	e, err := emulator.Start(context.Background(), emulator.Options{Mode: emulator.Datastore, Project: "exercise"})
	if err != nil {
		return nil, fmt.Errorf("the checks need the Datastore emulator: %w", err)
	}
	return &Datastore{Host: e.Host, Project: e.Project, stop: e.Stop}, nil
}

// Close stops the emulator if StartDatastore started it.
func (d *Datastore) Close() { d.stop() }

// App is the app's binary, running on a free loopback port.
type App struct {
	Base string // http://127.0.0.1:port

	cmd    *exec.Cmd
	log    logBuffer
	exited chan struct{}
	err    error
}

// StartApp runs bin against ds with fixed session keys, and waits (at most
// 15 s) until it serves its home page.
func StartApp(ctx context.Context, bin string, ds *Datastore) (*App, error) {
	port, err := emulator.FreePort()
	if err != nil {
		return nil, err
	}
	a := &App{Base: fmt.Sprintf("http://127.0.0.1:%d", port), exited: make(chan struct{})}
	a.cmd = exec.Command(bin)
	a.cmd.Env = []string{
		"PORT=" + strconv.Itoa(port),
		"DATASTORE_EMULATOR_HOST=" + ds.Host,
		"DATASTORE_PROJECT_ID=" + ds.Project,
		"SESSION_KEYS=" + sessionKeys,
		"LOG_LEVEL=info",
	}
	a.cmd.Stdout, a.cmd.Stderr = &a.log, &a.log
	// The app dies with the checker, even if the checker is killed, where
	// the system can say so (Linux).
	a.cmd.SysProcAttr = dieWithParent()
	if err := a.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the app: %w", err)
	}
	go func() { a.err = a.cmd.Wait(); close(a.exited) }()

	c := &http.Client{Timeout: 2 * time.Second}
	defer c.CloseIdleConnections()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := c.Get(a.Base + "/"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return a, nil
			}
		}
		select {
		case <-a.exited:
			return nil, startError{fmt.Errorf("the app stopped before it served (%v); its log says why:\n%s", a.err, indent(tail(a.Log(), 20)))}
		case <-ctx.Done():
			a.Stop()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	a.Stop()
	return nil, startError{fmt.Errorf("the app did not answer GET / within 15 s; its log:\n%s", indent(tail(a.Log(), 20)))}
}

// Stop ends the app.
func (a *App) Stop() {
	select {
	case <-a.exited:
	default:
		_ = a.cmd.Process.Kill()
		<-a.exited
	}
}

// Log returns what the app has logged so far.
func (a *App) Log() string { return a.log.String() }

// logBuffer is a buffer that the app's output and the checker may use at
// once.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// indent indents text as the detail under a step's line.
func indent(text string) string {
	return "      " + strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n      ")
}

// head keeps the first n lines of text, tail the last n.
func head(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > n {
		lines = append(lines[:n], fmt.Sprintf("(… %d more lines)", len(lines)-n))
	}
	return strings.Join(lines, "\n")
}

func tail(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("(… %d lines before)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
