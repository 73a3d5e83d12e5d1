package dstest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// debianSDKRoot is where the Cloud CLI's Debian and Ubuntu packages put it.
// Those installations have the component manager disabled ("gcloud
// components install" fails and names the apt package instead), so the
// emulators come as packages.
const debianSDKRoot = "/usr/lib/google-cloud-sdk"

// emulatorDirs are the emulators' folders under the CLI's platform/ folder,
// each with its component name and its Debian package.
var emulatorDirs = []struct{ dir, component, pkg string }{
	{"cloud-datastore-emulator", "cloud-datastore-emulator", "google-cloud-cli-datastore-emulator"},
	{"cloud-firestore-emulator", "cloud-firestore-emulator", "google-cloud-cli-firestore-emulator"},
}

// installHint says what to install so that the emulators run, for the way
// this machine's Cloud CLI was installed, or "" when nothing seems missing.
// It runs gcloud (about a second), so it is only for the failure path.
func installHint() string {
	_, errJava := exec.LookPath("java")
	java := errJava == nil
	if _, err := exec.LookPath("gcloud"); err != nil {
		return "the Google Cloud CLI (gcloud) is not on PATH: " + hint(sdkUnknown, nil, java) +
			"; or set DATASTORE_EMULATOR_HOST to a running emulator"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "gcloud", "info", "--format=value(installation.sdk_root)").Output()
	root := strings.TrimSpace(string(out))
	if err != nil || root == "" {
		return hint(sdkUnknown, nil, java)
	}
	var missing []int
	for i, e := range emulatorDirs {
		if _, err := os.Stat(filepath.Join(root, "platform", e.dir)); err != nil {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 && java {
		return ""
	}
	kind := sdkComponents
	if root == debianSDKRoot || strings.HasPrefix(root, debianSDKRoot+"/") {
		kind = sdkPackages
	}
	return hint(kind, missing, java)
}

type sdkKind int

const (
	sdkUnknown    sdkKind = iota // no gcloud, or it would not say
	sdkPackages                  // Debian or Ubuntu packages
	sdkComponents                // the component manager works
)

// hint is installHint's text: missing indexes emulatorDirs (nil: name both).
func hint(kind sdkKind, missing []int, java bool) string {
	if missing == nil {
		missing = []int{0, 1}
	}
	var pkgs, comps []string
	for _, i := range missing {
		pkgs = append(pkgs, emulatorDirs[i].pkg)
		comps = append(comps, emulatorDirs[i].component)
	}
	apt := "apt-get install " + strings.Join(pkgs, " ")
	gcl := "gcloud components install " + strings.Join(append(comps, "beta"), " ")
	javaNote := ""
	if !java {
		javaNote = " (and Java 17 or newer, which the emulators need: java is not on PATH)"
	}
	switch {
	case len(missing) == 0:
		return "install Java 17 or newer: the emulators need it, and java is not on PATH"
	case kind == sdkPackages:
		return "install the emulators with " + apt + javaNote +
			" (this Cloud CLI comes from Debian packages, whose component manager is disabled)"
	case kind == sdkComponents:
		return "install the emulators with " + gcl + javaNote
	default:
		return "install the Cloud CLI and its emulators with Java 17 or newer: from Debian or Ubuntu packages, " +
			"apt-get install google-cloud-cli " + strings.Join(pkgs, " ") + "; otherwise " + gcl
	}
}
