package emulator

import (
	"bytes"
	"os"
	"strconv"
	"strings"
)

// Pids returns the process ids of the emulator's process tree, gcloud's
// first, then its wrapper's and the JVM's, for a benchmark that watches or
// places those processes itself (internal/loadtest); none for External.
func (e *Emulator) Pids() []int {
	if e.proc == nil {
		return nil
	}
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
	tree := []int{e.proc.pgid}
	for i := 0; i < len(tree); i++ {
		tree = append(tree, children[tree[i]]...)
	}
	return tree
}
