//go:build unix

package main

import (
	"os"
	"syscall"
)

// interrupt asks the app to finish its requests and exit, as App Engine
// does: SIGTERM.
func interrupt(p *os.Process) { _ = p.Signal(syscall.SIGTERM) }
