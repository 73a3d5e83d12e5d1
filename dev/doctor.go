package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gae-lessons/sessions-go/internal/emulator"
)

// A check is one thing the lesson needs, as doctor found it.
type check struct {
	name     string
	ok       bool
	optional bool   // missing, it costs something (named in detail), not the lesson
	detail   string // what was found, or what its absence means
	hint     string // how to install it, when it is not ok
}

var goMinor = regexp.MustCompile(`go1\.(\d+)`)

// minGo is the Go that go.mod asks for.
const minGo = 26 // go1.26

// checks says what in has of what `make run`, `make test` and `make
// exercise` need: goVersion is runtime.Version()'s, cc the C compiler's
// path ("" if none), makePath make's.
func checks(in emulator.Install, goVersion, cc, makePath string) []check {
	var cs []check
	minor := 0
	if m := goMinor.FindStringSubmatch(goVersion); m != nil {
		minor, _ = strconv.Atoi(m[1])
	}
	cs = append(cs, check{name: "Go", ok: minor >= minGo, detail: goVersion,
		hint: "install Go 1.26 or newer from https://go.dev/dl/" + map[string]string{"darwin": " (or brew install go)"}[in.OS]})

	cli := check{name: "Google Cloud CLI", ok: in.Gcloud != "", hint: in.CLIHint()}
	if cli.ok {
		cli.detail = in.CLIVersion + " in " + in.SDKRoot
	}
	cs = append(cs, cli)
	for _, m := range []emulator.Mode{emulator.Datastore, emulator.Firestore} {
		c := check{name: map[emulator.Mode]string{emulator.Datastore: "Datastore emulator", emulator.Firestore: "Firestore emulator"}[m], ok: in.Gcloud != ""}
		for _, missing := range in.Missing {
			if missing == m {
				c.ok = false
			}
		}
		if m == emulator.Firestore {
			c.optional, c.detail = true, "make test needs it; make run and make exercise do not"
		}
		if !c.ok {
			c.hint = in.EmulatorHint([]emulator.Mode{m})
		}
		cs = append(cs, c)
	}

	java := check{name: "Java", ok: in.Java != "" && in.JavaMajor >= in.JavaWanted(), hint: in.JavaHint()}
	switch {
	case in.Java == "":
		java.detail = "not on PATH; the emulators run on it"
	case in.JavaMajor == 0:
		java.ok, java.detail = true, "found, at a version it did not say"
	default:
		java.detail = fmt.Sprintf("%d; the emulators of this Cloud CLI need %d or newer", in.JavaMajor, in.JavaWanted())
	}
	cs = append(cs, java)

	c := check{name: "C compiler", ok: cc != "", optional: true, detail: cc}
	if cc == "" {
		c.detail = "none: make test runs without the race detector"
		c.hint = map[string]string{
			"darwin":  "xcode-select --install",
			"windows": "a MinGW-w64 gcc on PATH (w64devkit, or MSYS2's), or run make test in WSL 2",
		}[in.OS]
		if c.hint == "" {
			c.hint = "apt-get install gcc"
		}
	}
	cs = append(cs, c)
	mk := check{name: "make", ok: makePath != "", optional: true, detail: makePath}
	if makePath == "" {
		mk.detail = "none: use go run ./dev for make run, go run ./dev doctor for make doctor"
		mk.hint = map[string]string{"darwin": "xcode-select --install", "windows": "optional: winget install ezwinports.make, or use WSL 2"}[in.OS]
		if mk.hint == "" {
			mk.hint = "apt-get install make"
		}
	}
	return append(cs, mk)
}

// doctor prints each check and, if every piece make run needs is there,
// whether it starts: the emulator in memory and the app, each on a free
// port. It returns 1 when something the lesson needs is missing.
func doctor(ctx context.Context, w io.Writer, in emulator.Install) int {
	fmt.Fprintln(w, "doctor: what make run, make test and make exercise need on this machine")
	failed := 0
	report := func(c check) {
		mark := "ok  "
		switch {
		case !c.ok && c.optional:
			mark = "note"
		case !c.ok:
			mark = "FAIL"
			failed++
		}
		line := fmt.Sprintf("  %s  %s", mark, c.name)
		if c.detail != "" {
			line += ": " + c.detail
		}
		fmt.Fprintln(w, line)
		if !c.ok && c.hint != "" {
			fmt.Fprintln(w, "          to fix: "+c.hint)
		}
	}
	for _, c := range checks(in, runtime.Version(), compiler(), lookPath("make")) {
		report(c)
	}
	for _, port := range []string{getenv("PORT", "8080"), getenv("DATASTORE_EMULATOR_PORT", "8081")} {
		if taken(port) {
			report(check{name: "port " + port, optional: true, detail: "taken: make run will say so",
				hint: "stop what listens there, or set PORT or DATASTORE_EMULATOR_PORT to a free port"})
		}
	}
	if failed == 0 {
		report(startCheck(ctx))
	}
	if failed > 0 {
		fmt.Fprintf(w, "doctor: %d to fix (FAIL above) before the lesson\n", failed)
		return 1
	}
	fmt.Fprintln(w, "doctor: ready for the lesson")
	return 0
}

// compiler returns the path of the C compiler go would use for cgo (and
// so for -race), or "" if there is none or cgo is off.
func compiler() string {
	out, err := exec.Command("go", "env", "CGO_ENABLED", "CC").Output()
	f := strings.Fields(string(out))
	if err != nil || len(f) < 2 || f[0] != "1" {
		return ""
	}
	return lookPath(f[1])
}

func lookPath(name string) string {
	p, _ := exec.LookPath(name)
	return p
}

// startCheck starts what make run starts, in memory and on free ports,
// and asks the app for its home page.
func startCheck(ctx context.Context) check {
	c := check{name: "make run starts", hint: "the lines above say what failed; make run prints the same"}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	em, err := emulator.Start(ctx, emulator.Options{Mode: emulator.Datastore, Project: "doctor"})
	if err != nil {
		c.detail = err.Error()
		return c
	}
	defer em.Stop()
	bin, err := build(ctx)
	if err != nil {
		c.detail = err.Error()
		return c
	}
	defer os.RemoveAll(filepath.Dir(bin))
	port, err := emulator.FreePort()
	if err != nil {
		c.detail = err.Error()
		return c
	}
	app := exec.Command(bin)
	var log strings.Builder
	app.Stdout, app.Stderr = &log, &log
	app.Env = append(os.Environ(), fmt.Sprintf("PORT=%d", port), "DATASTORE_EMULATOR_HOST="+em.Host, "DATASTORE_PROJECT_ID=doctor")
	if err := app.Start(); err != nil {
		c.detail = err.Error()
		return c
	}
	defer func() { app.Process.Kill(); app.Wait() }()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if err := answers(ctx, base, 30*time.Second); err != nil {
		c.detail = err.Error() + "; the app said:\n" + log.String()
		return c
	}
	c.ok, c.detail = true, "the app answered on "+base+" against the Datastore emulator"
	return c
}
