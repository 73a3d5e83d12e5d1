package emulator

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Install is what this machine has of what the emulators need.
type Install struct {
	OS         string // runtime.GOOS, or a test's
	Gcloud     string // gcloud's path; "" when it is not on PATH
	SDKRoot    string // the Cloud CLI's installation folder, if gcloud said
	CLIVersion string // the Cloud CLI's version ("528.0.0"), if gcloud said
	Missing    []Mode // emulators whose folder the CLI lacks
	Java       string // java's path; "" when it is not on PATH
	JavaMajor  int    // java's major version; 0 when unknown
}

// debianSDKRoot is where the Cloud CLI's Debian and Ubuntu packages put it.
// Those installations have the component manager disabled ("gcloud
// components install" fails and names the apt package instead), so the
// emulators come as packages.
const debianSDKRoot = "/usr/lib/google-cloud-sdk"

// emulatorFolders are the emulators' folders under the CLI's platform/
// folder, which are also their component names.
var emulatorFolders = map[Mode]string{
	Datastore: "cloud-datastore-emulator",
	Firestore: "cloud-firestore-emulator",
}

// Inspect looks at PATH, asks gcloud where it is installed and java its
// version: about a second, so for a failure's message or a check, not for
// every start.
func Inspect(ctx context.Context) Install {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	in := Install{OS: runtime.GOOS}
	in.Gcloud, _ = exec.LookPath("gcloud")
	if in.Gcloud != "" {
		out, _ := exec.CommandContext(ctx, in.Gcloud, "info", "--format=value(installation.sdk_root,basic.version)").Output()
		if f := strings.Split(strings.TrimSpace(string(out)), "\t"); len(f) == 2 {
			in.SDKRoot, in.CLIVersion = f[0], f[1]
		}
		for _, m := range []Mode{Datastore, Firestore} {
			if _, err := os.Stat(filepath.Join(in.SDKRoot, "platform", emulatorFolders[m])); in.SDKRoot == "" || err != nil {
				in.Missing = append(in.Missing, m)
			}
		}
	}
	in.Java, _ = exec.LookPath("java")
	if in.Java != "" {
		out, _ := exec.CommandContext(ctx, in.Java, "-version").CombinedOutput()
		in.JavaMajor = javaMajor(string(out))
	}
	return in
}

var javaVersion = regexp.MustCompile(`version "(\d+)(?:\.(\d+))?`)

// javaMajor reads the major version from what `java -version` printed:
// "17.0.15" is 17, the old style "1.8.0_392" is 8.
func javaMajor(out string) int {
	m := javaVersion.FindStringSubmatch(out)
	if m == nil {
		return 0
	}
	major, _ := strconv.Atoi(m[1])
	if major == 1 && m[2] != "" {
		major, _ = strconv.Atoi(m[2])
	}
	return major
}

// JavaWanted is the Java the emulators need: 21 for Cloud CLIs after 528;
// 528 and before run them on 17, the oldest they accept.
func (in Install) JavaWanted() int {
	if v := strings.Split(in.CLIVersion, "."); len(v) > 0 {
		if n, err := strconv.Atoi(v[0]); err == nil && n <= 528 {
			return 17
		}
	}
	return 21
}

// debianPackages reports whether the Cloud CLI came from Debian or Ubuntu
// packages.
func (in Install) debianPackages() bool {
	return in.SDKRoot == debianSDKRoot || strings.HasPrefix(in.SDKRoot, debianSDKRoot+"/")
}

// CLIHint says how to install the Cloud CLI on in.OS.
func (in Install) CLIHint() string {
	switch in.OS {
	case "darwin":
		return "install the Google Cloud CLI: brew install --cask gcloud-cli, or the installer from https://cloud.google.com/sdk/docs/install"
	case "windows":
		return "install the Google Cloud CLI with its installer from https://cloud.google.com/sdk/docs/install (or work in WSL 2, as the README suggests)"
	default:
		return "install the Google Cloud CLI: on Debian or Ubuntu, apt-get install google-cloud-cli google-cloud-cli-datastore-emulator " +
			"google-cloud-cli-firestore-emulator after adding Google's package source (https://cloud.google.com/sdk/docs/install#deb); " +
			"elsewhere, its installer from https://cloud.google.com/sdk/docs/install"
	}
}

// EmulatorHint says how to install the emulators in missing, for the way
// this Cloud CLI was installed.
func (in Install) EmulatorHint(missing []Mode) string {
	var pkgs, comps []string
	for _, m := range missing {
		pkgs = append(pkgs, "google-cloud-cli-"+string(m)+"-emulator")
		comps = append(comps, emulatorFolders[m])
	}
	if in.debianPackages() {
		return "install the emulators: apt-get install " + strings.Join(pkgs, " ") +
			" (this Cloud CLI comes from Debian packages, whose component manager is disabled)"
	}
	return "install the emulators: gcloud components install " + strings.Join(append(comps, "beta"), " ")
}

// JavaHint says how to install Java 21 on in.OS: what every Cloud CLI's
// emulators run on.
func (in Install) JavaHint() string {
	const v = "21"
	switch in.OS {
	case "darwin":
		return "install Java " + v + ": brew install --cask temurin@" + v + ", or Temurin " + v + " from https://adoptium.net/"
	case "windows":
		return "install Java " + v + ": Temurin " + v + " from https://adoptium.net/ (winget install EclipseAdoptium.Temurin." + v + ".JDK)"
	default:
		return "install Java " + v + ": apt-get install openjdk-" + v + "-jre-headless, or, where the release has no such package, Temurin " + v + " from https://adoptium.net/"
	}
}

// Hint says what to install so that the emulators run, or "" when nothing
// seems missing.
func (in Install) Hint() string {
	var h []string
	switch {
	case in.Gcloud == "" && in.OS == "linux":
		h = append(h, in.CLIHint()+"; then, if not from packages, "+in.EmulatorHint([]Mode{Datastore, Firestore}))
	case in.Gcloud == "":
		h = append(h, in.CLIHint(), in.EmulatorHint([]Mode{Datastore, Firestore}))
	case len(in.Missing) > 0:
		h = append(h, in.EmulatorHint(in.Missing))
	}
	if in.Java == "" || (in.JavaMajor != 0 && in.JavaMajor < in.JavaWanted()) {
		h = append(h, in.JavaHint())
	}
	return strings.Join(h, "; ")
}

// InstallHint is Inspect's Hint for this machine.
func InstallHint() string { return Inspect(context.Background()).Hint() }
