//go:build unix

package emulator

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// process is gcloud in a process group of its own, which the wrapper
// script and the JVM it starts stay in (none of them makes a group of its
// own), plus a watchdog in the same group: a shell that reads its standard
// input, a pipe whose only writer is this process, and kills its whole
// group when the pipe closes. The kernel closes the pipe when this process
// ends however it ends, so the emulator never outlives it, on any Unix,
// without Linux's Pdeathsig or a setsid command.
type process struct {
	pgid     int
	watchdog *os.File // the pipe's write end
}

// watchdog is the watchdog's script; `kill -9 0` signals the shell's own
// process group, in every POSIX shell.
const watchdog = `read _; kill -9 0`

func startProcess(cmd *exec.Cmd) (*process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{pgid: cmd.Process.Pid}
	r, w, err := os.Pipe()
	if err != nil {
		p.kill()
		return nil, err
	}
	defer r.Close()
	dog := exec.Command("/bin/sh", "-c", watchdog)
	dog.Stdin = r
	dog.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pgid: p.pgid}
	if err := dog.Start(); err != nil {
		w.Close()
		p.kill()
		return nil, fmt.Errorf("watchdog: %w", err)
	}
	go dog.Wait()
	p.watchdog = w
	return p, nil
}

// kill kills the whole group: gcloud, its wrapper, the JVM, the watchdog.
func (p *process) kill() { _ = syscall.Kill(-p.pgid, syscall.SIGKILL) }

// release waits, after kill, until every process of the group is gone (a
// killed JVM takes a moment to end, and its zombie one more to be reaped),
// at most 10 s, and lets go of the watchdog.
func (p *process) release() {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if syscall.Kill(-p.pgid, 0) == syscall.ESRCH {
			break
		}
	}
	p.watchdog.Close()
}
