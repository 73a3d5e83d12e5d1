package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/internal/emulator"
)

// doctor names each missing piece with how to install it on the
// student's system, and exits 1 when the lesson cannot run.
func TestDoctor_namesWhatIsMissing(t *testing.T) {
	mac := emulator.Install{OS: "darwin", Gcloud: "/opt/homebrew/bin/gcloud", SDKRoot: "/opt/homebrew/share/google-cloud-sdk",
		CLIVersion: "540.0.0", Missing: []emulator.Mode{emulator.Datastore}}
	deb := emulator.Install{OS: "linux", Gcloud: "/usr/bin/gcloud", SDKRoot: "/usr/lib/google-cloud-sdk", CLIVersion: "528.0.0",
		Java: "/usr/bin/java", JavaMajor: 11, Missing: []emulator.Mode{emulator.Firestore}}
	tests := []struct {
		name string
		in   emulator.Install
		want []string
	}{
		{"macOS without the Datastore emulator and Java", mac, []string{
			"FAIL  Datastore emulator\n          to fix: install the emulators: gcloud components install cloud-datastore-emulator beta",
			"FAIL  Java: not on PATH",
			"to fix: install Java 21: brew install --cask temurin@21",
			"doctor: 2 to fix"}},
		{"Debian with Java 11 and no Firestore emulator", deb, []string{
			"FAIL  Java: 11; the emulators of this Cloud CLI need 17 or newer",
			"to fix: install Java 21: apt-get install openjdk-21-jre-headless",
			"note  Firestore emulator: make test needs it",
			"to fix: install the emulators: apt-get install google-cloud-cli-firestore-emulator",
			"doctor: 1 to fix"}},
		{"Windows without the Cloud CLI", emulator.Install{OS: "windows", Java: `C:\java.exe`, JavaMajor: 21}, []string{
			"FAIL  Google Cloud CLI\n          to fix: install the Google Cloud CLI with its installer",
			"FAIL  Datastore emulator\n          to fix: install the emulators: gcloud components install cloud-datastore-emulator beta",
			"doctor: 2 to fix"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if code := doctor(context.Background(), &out, tt.in); code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("the output lacks %q; it is:\n%s", w, out.String())
				}
			}
			if strings.Contains(out.String(), "make run starts") {
				t.Errorf("with pieces missing, doctor still tried make run:\n%s", out.String())
			}
		})
	}
}

func TestChecks_goAndCompiler(t *testing.T) {
	in := emulator.Install{OS: "darwin"}
	for _, tt := range []struct {
		goVersion, cc string
		goOK, ccOK    bool
	}{
		{"go1.26.8", "/usr/bin/clang", true, true},
		{"go1.27rc1", "", true, false},
		{"go1.25.3", "", false, false},
		{"devel go1.27-abcdef", "", true, false},
	} {
		cs := checks(in, tt.goVersion, tt.cc, "/usr/bin/make")
		if cs[0].ok != tt.goOK {
			t.Errorf("Go %s: ok = %v, want %v", tt.goVersion, cs[0].ok, tt.goOK)
		}
		for _, c := range cs {
			if c.name == "C compiler" && (c.ok != tt.ccOK || !c.ok && c.hint != "xcode-select --install") {
				t.Errorf("C compiler %q: %+v", tt.cc, c)
			}
		}
	}
}
