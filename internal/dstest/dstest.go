// Package dstest runs tests against the real Cloud Datastore emulators.
//
// A test binary calls Main from its TestMain. When DATASTORE_EMULATOR_HOST is
// set, tests use that emulator and start nothing. Otherwise Main starts each
// requested emulator once for the whole binary — in memory, strongly
// consistent, on a free loopback port — and stops its process group when the
// tests end (or when the test binary dies, through a small watchdog).
//
// Without the Google Cloud CLI or an emulator, tests that need one skip with
// a message naming what to install, for the way the CLI was installed
// (Debian packages or the component manager); under CI=true they fail
// instead, so a CI run never passes by skipping.
//
// Tests never share data: each gets a namespace of its own (Namespace), and a
// client whose Datastore RPCs are counted (Emulator.Client).
package dstest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
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
	// External is an emulator the caller started (DATASTORE_EMULATOR_HOST).
	External Mode = "external"
)

// Emulator is a running emulator.
type Emulator struct {
	Mode    Mode
	Host    string // host:port
	Project string

	cmd *exec.Cmd
}

var (
	mu        sync.Mutex
	emulators []*Emulator
	// unavailable says why there is no emulator, for the skip or failure
	// message of every test that needs one.
	unavailable string
)

// InCI reports whether the tests run in CI, where nothing may skip.
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// Main starts the emulators named by modes (unless DATASTORE_EMULATOR_HOST
// is set), runs the tests and stops the emulators. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(dstest.Main(m, dstest.Firestore)) }
func Main(m *testing.M, modes ...Mode) int {
	if host := os.Getenv("DATASTORE_EMULATOR_HOST"); host != "" {
		project := os.Getenv("DATASTORE_PROJECT_ID")
		if project == "" {
			project = "dstest"
		}
		emulators = []*Emulator{{Mode: External, Host: host, Project: project}}
		return m.Run()
	}
	if _, err := exec.LookPath("gcloud"); err != nil {
		unavailable = installHint()
		if InCI() {
			fmt.Fprintln(os.Stderr, "dstest: CI=true, and", unavailable)
			return 1
		}
		skipExamples()
		return m.Run()
	}
	started, err := startAll(modes)
	defer func() {
		for _, e := range started {
			e.stop()
		}
	}()
	if err != nil {
		if h := installHint(); h != "" {
			err = fmt.Errorf("%w; %s", err, h)
		}
		unavailable = err.Error()
		fmt.Fprintln(os.Stderr, "dstest:", err)
		if InCI() {
			return 1
		}
		if len(started) == 0 {
			skipExamples()
		}
	}
	emulators = started
	if len(started) > 0 {
		// Code that builds its own client, as examples and the server's
		// subprocesses do, finds the first emulator the usual way.
		os.Setenv("DATASTORE_EMULATOR_HOST", started[0].Host)
		os.Setenv("DATASTORE_PROJECT_ID", started[0].Project)
	}
	return m.Run()
}

// skipExamples leaves examples out of the run: they use Datastore like user
// code does and cannot skip themselves, so without an emulator they would
// fail instead of skipping.
func skipExamples() {
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() == "" {
		fmt.Fprintln(os.Stderr, "dstest: no emulator, so the examples do not run:", unavailable)
		f.Value.Set("^(Test|Fuzz)")
	}
}

func startAll(modes []Mode) ([]*Emulator, error) {
	type result struct {
		e   *Emulator
		err error
	}
	results := make([]result, len(modes))
	var wg sync.WaitGroup
	for i, mode := range modes {
		wg.Go(func() {
			e, err := start(mode)
			results[i] = result{e, err}
		})
	}
	wg.Wait()
	var started []*Emulator
	var errs []error
	for _, r := range results {
		if r.e != nil {
			started = append(started, r.e)
		}
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	return started, errors.Join(errs...)
}

// watchdog runs the emulator under a shell that outlives neither the test
// binary nor a stop request: when the test binary is gone (a panic, a
// timeout), when gcloud exits, or on SIGTERM, it kills the process group
// gcloud makes for itself and the emulator. SIGKILL, because the in-memory
// emulator has nothing to save and its JVM lingers on SIGTERM. (The shell is
// dash: "kill -KILL -PGID", since its kill takes no "--".)
const watchdog = `"$@" & child=$!
end() { kill -KILL -$child 2>/dev/null; kill -KILL $child 2>/dev/null; exit 0; }
trap end TERM INT
while kill -0 "$TESTPID" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1 & wait $!; done
end`

func start(mode Mode) (*Emulator, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	e := &Emulator{Mode: mode, Host: fmt.Sprintf("127.0.0.1:%d", port), Project: "dstest-" + string(mode)}
	var args []string
	switch mode {
	case Datastore:
		args = []string{"gcloud", "beta", "emulators", "datastore", "start", "--no-store-on-disk",
			"--consistency=1.0", "--host-port=" + e.Host, "--project=" + e.Project}
	case Firestore:
		args = []string{"gcloud", "emulators", "firestore", "start", "--database-mode=datastore-mode",
			"--host-port=" + e.Host}
	default:
		return nil, fmt.Errorf("dstest: unknown emulator mode %q", mode)
	}
	logf, err := os.CreateTemp("", "dstest-"+string(mode)+"-*.log")
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	e.cmd = exec.Command("sh", append([]string{"-c", watchdog, "sh"}, args...)...)
	e.cmd.Env = append(os.Environ(), fmt.Sprintf("TESTPID=%d", os.Getpid()))
	e.cmd.Stdout, e.cmd.Stderr = logf, logf
	e.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := e.cmd.Start(); err != nil {
		return nil, fmt.Errorf("dstest: start %s emulator: %w", mode, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- e.cmd.Wait() }()
	deadline := time.After(90 * time.Second)
	for {
		if ready(e.Host) {
			if err := e.warm(); err != nil {
				e.stop()
				return nil, fmt.Errorf("dstest: %s emulator: %w; its log: %s", mode, err, logf.Name())
			}
			return e, nil
		}
		select {
		case err := <-exited:
			return nil, fmt.Errorf("dstest: %s emulator exited before it was ready (%v); its log: %s", mode, err, logf.Name())
		case <-deadline:
			e.stop()
			return nil, fmt.Errorf("dstest: %s emulator not ready after 90s; its log: %s", mode, logf.Name())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// warm makes the first write, transaction, lookup and query of a new
// emulator, which take seconds on a busy machine (its JVM compiles them;
// the Firestore emulator creates the database), so that no test's first
// request meets them under the server's 4-second deadline: the cause of
// a rare 503 in whichever test ran first.
func (e *Emulator) warm() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client, err := datastore.NewClient(ctx, e.Project, e.ClientOptions()...)
	if err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	defer client.Close()
	type entity struct{ N int }
	key := datastore.NameKey("Warmup", "dstest", nil)
	key.Namespace = "dstest-warmup"
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

func ready(host string) bool {
	c := http.Client{Timeout: time.Second}
	resp, err := c.Get("http://" + host + "/")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 16))
	return resp.StatusCode == http.StatusOK && strings.TrimSpace(string(body)) == "Ok"
}

// stop kills the emulator's whole process tree at once: it keeps nothing on
// disk, so there is nothing to shut down gracefully.
func (e *Emulator) stop() {
	if e.cmd == nil || e.cmd.Process == nil {
		return
	}
	for _, pid := range descendants(e.cmd.Process.Pid) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// Pids returns the process ids of the emulator's process tree: the watchdog
// shell first, then gcloud's wrapper and the JVM below it, for a benchmark
// that watches or places those processes itself (internal/loadtest). An
// emulator this package did not start (External) has none.
func (e *Emulator) Pids() []int {
	if e.cmd == nil || e.cmd.Process == nil {
		return nil
	}
	return descendants(e.cmd.Process.Pid)
}

// descendants returns pid and every process below it, from /proc.
func descendants(pid int) []int {
	children := map[int][]int{}
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		p, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		// The fields after the command, which is in parentheses: state ppid.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(fields[1]); err == nil {
			children[ppid] = append(children[ppid], p)
		}
	}
	tree := []int{pid}
	for i := 0; i < len(tree); i++ {
		tree = append(tree, children[tree[i]]...)
	}
	return tree
}

// FreePort returns a loopback TCP port that nothing listens on now.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("dstest: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Emulators returns the emulators this binary runs against. When there are
// none it skips the test, or fails it under CI=true.
func Emulators(tb testing.TB) []*Emulator {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	if len(emulators) == 0 {
		reason := unavailable
		if reason == "" {
			reason = "dstest.Main was not called from TestMain"
		}
		if InCI() {
			tb.Fatalf("no Datastore emulator under CI=true: %s", reason)
		}
		tb.Skipf("no Datastore emulator: %s", reason)
	}
	return emulators
}

// Each runs f as a subtest against every emulator, named by its mode.
func Each(t *testing.T, f func(t *testing.T, e *Emulator)) {
	t.Helper()
	for _, e := range Emulators(t) {
		t.Run(string(e.Mode), func(t *testing.T) { f(t, e) })
	}
}

// First returns the first emulator, for tests that need only one.
func First(tb testing.TB) *Emulator {
	tb.Helper()
	return Emulators(tb)[0]
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

// Client returns a Datastore client on the emulator, with the options extra
// (an application's own, say), whose RPCs are counted by the returned
// Counter. The client is closed when the test ends.
func (e *Emulator) Client(tb testing.TB, extra ...option.ClientOption) (*datastore.Client, *Counter) {
	tb.Helper()
	c := &Counter{}
	opts := append([]option.ClientOption{option.WithGRPCDialOption(grpc.WithChainUnaryInterceptor(c.intercept))}, extra...)
	client, err := datastore.NewClient(context.Background(), e.Project, e.ClientOptions(opts...)...)
	if err != nil {
		tb.Fatalf("datastore client for %s emulator: %v", e.Mode, err)
	}
	tb.Cleanup(func() { client.Close() })
	return client, c
}

var unsafeChars = regexp.MustCompile(`[^0-9A-Za-z._-]+`)

// Namespace returns a Datastore namespace that no other test uses.
func Namespace(tb testing.TB) string {
	tb.Helper()
	b := make([]byte, 4)
	rand.Read(b)
	name := unsafeChars.ReplaceAllString(tb.Name(), "_")
	if len(name) > 80 {
		name = name[len(name)-80:]
	}
	return name + "-" + hex.EncodeToString(b)
}

// Counter counts the Datastore RPCs of one client, by method name.
type Counter struct {
	mu    sync.Mutex
	calls map[string]int
}

func (c *Counter) intercept(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	name := method[strings.LastIndex(method, "/")+1:]
	c.mu.Lock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[name]++
	c.mu.Unlock()
	return invoker(ctx, method, req, reply, cc, opts...)
}

// Reset forgets every call counted so far.
func (c *Counter) Reset() {
	c.mu.Lock()
	c.calls = nil
	c.mu.Unlock()
}

// Calls returns the calls counted since the last Reset, by method
// ("Lookup", "Commit", "BeginTransaction", "RunQuery", ...).
func (c *Counter) Calls() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.calls))
	for k, v := range c.calls {
		out[k] = v
	}
	return out
}

// Total returns how many calls were counted since the last Reset.
func (c *Counter) Total() int {
	n := 0
	for _, v := range c.Calls() {
		n += v
	}
	return n
}
