package main

import "os"

// interrupt: Windows has no signal to send another process; the console's
// Ctrl-C has reached the app as it reached this process, and run kills the
// app if it has not exited 15 s later.
func interrupt(*os.Process) {}
