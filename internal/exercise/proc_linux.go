package exercise

import "syscall"

// dieWithParent has the kernel kill the app when the checker ends.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
