//go:build unix

package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/internal/emulator"
)

// basePATH returns a folder to be the whole PATH: go, and the base system
// (every command of /usr/bin and /bin, where gcloud and java are on Debian)
// except setsid and curl, which macOS lacks or make run must not need.
func basePATH(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	links := map[string]string{"go": goBin}
	for _, sys := range []string{"/bin", "/usr/bin", "/usr/local/bin"} {
		entries, _ := os.ReadDir(sys)
		for _, e := range entries {
			if _, ok := links[e.Name()]; !ok && e.Name() != "setsid" && e.Name() != "curl" {
				links[e.Name()] = filepath.Join(sys, e.Name())
			}
		}
	}
	for _, need := range []string{"gcloud", "java"} {
		if p, err := exec.LookPath(need); err == nil {
			links[need] = p
		}
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// make run's program serves the app with a PATH that has neither setsid nor
// curl, and Ctrl-C (SIGINT) stops the app and the emulator, leaving nothing
// listening, the data saved in its data folder (which a restart reads: that
// is the emulator's own part, not tested here).
func TestRun_servesWithoutSetsidAndStopsOnCtrlC(t *testing.T) {
	if _, err := exec.LookPath("gcloud"); err != nil && !dstest.InCI() {
		t.Skip("no gcloud:", emulator.InstallHint())
	}
	bin := filepath.Join(t.TempDir(), "dev")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build ./dev: %v\n%s", err, out)
	}
	port, _ := emulator.FreePort()
	emPort, _ := emulator.FreePort()
	data := t.TempDir()
	cmd := exec.Command(bin)
	cmd.Dir = ".."
	cmd.Env = []string{"PATH=" + basePATH(t), "HOME=" + os.Getenv("HOME"),
		"GOCACHE=" + goEnv(t, "GOCACHE"), "GOMODCACHE=" + goEnv(t, "GOMODCACHE"), "GOFLAGS=-mod=mod",
		fmt.Sprintf("PORT=%d", port), fmt.Sprintf("DATASTORE_EMULATOR_PORT=%d", emPort), "DATASTORE_DATA_DIR=" + data}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		s := bufio.NewScanner(stderr)
		for s.Scan() {
			lines <- s.Text()
		}
		close(lines)
	}()
	var said []string
	wait := func(want string) {
		t.Helper()
		timeout := time.After(3 * time.Minute)
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					t.Fatalf("make run ended before it said %q; it said:\n%s", want, strings.Join(said, "\n"))
				}
				said = append(said, line)
				if strings.Contains(line, want) {
					return
				}
			case <-timeout:
				t.Fatalf("make run did not say %q; it said:\n%s", want, strings.Join(said, "\n"))
			}
		}
	}
	wait("serving on")
	base := fmt.Sprintf("http://127.0.0.1:%d/", port)
	if err := answers(t.Context(), base[:len(base)-1], 30*time.Second); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(base)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	cmd.Process.Signal(syscall.SIGINT)
	wait("stopped the Datastore emulator")
	if err := cmd.Wait(); err != nil {
		t.Errorf("make run after Ctrl-C: %v, want exit status 0", err)
	}
	for _, p := range []int{port, emPort} {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", p)); err == nil {
			c.Close()
			t.Errorf("after Ctrl-C, port %d still takes connections", p)
		}
	}
	// The emulator writes this file only when asked to shut down, not
	// when killed, and only into its data folder: it holds the warm-up's
	// writes, so the emulator has saved its data where make run said.
	saved := filepath.Join(data, "WEB-INF", "appengine-generated", "local_db.bin")
	if _, err := os.Stat(saved); err != nil {
		t.Errorf("the emulator saved nothing in its data folder: %v", err)
	}
}

func goEnv(t *testing.T, name string) string {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}
