//go:build unix

package emulator

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func inCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// A process killed with SIGKILL, which can run no cleanup of its own, takes
// its emulator with it: gcloud, its wrapper, the JVM.
func TestStart_killedCallerLeavesNothing(t *testing.T) {
	if os.Getenv("EMULATOR_TEST_CALLER") == "1" {
		e, err := Start(context.Background(), Options{Mode: Datastore})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(e.proc.pgid)
		select {}
	}
	caller := exec.Command(os.Args[0], "-test.run=^TestStart_killedCallerLeavesNothing$")
	caller.Env = append(os.Environ(), "EMULATOR_TEST_CALLER=1")
	out, err := caller.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := caller.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	pgid, err := strconv.Atoi(line[:max(len(line)-1, 0)])
	if err != nil {
		caller.Process.Kill()
		caller.Wait()
		if _, lerr := exec.LookPath("gcloud"); lerr != nil && !inCI() {
			t.Skip("no gcloud:", line)
		}
		t.Fatalf("the caller said %q", line)
	}
	if err := syscall.Kill(-pgid, 0); err != nil {
		t.Fatalf("the emulator's group %d is not running: %v", pgid, err)
	}
	caller.Process.Kill()
	caller.Wait()
	for deadline := time.Now().Add(10 * time.Second); syscall.Kill(-pgid, 0) != syscall.ESRCH; {
		if time.Now().After(deadline) {
			syscall.Kill(-pgid, syscall.SIGKILL)
			t.Fatalf("10 s after its caller was killed, the emulator's group %d is still there", pgid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
