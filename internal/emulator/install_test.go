package emulator

import (
	"strings"
	"testing"
)

func TestJavaMajor(t *testing.T) {
	for out, want := range map[string]int{
		`openjdk version "17.0.15" 2025-04-15`: 17,
		`openjdk version "21" 2023-09-19`:      21,
		`java version "1.8.0_392"`:             8,
		`bash: java: command not found`:        0,
	} {
		if got := javaMajor(out); got != want {
			t.Errorf("javaMajor(%q) = %d, want %d", out, got, want)
		}
	}
}

func TestInstall_Hint(t *testing.T) {
	deb := Install{OS: "linux", Gcloud: "/usr/bin/gcloud", SDKRoot: debianSDKRoot, CLIVersion: "528.0.0", Java: "/usr/bin/java", JavaMajor: 17}
	mac := Install{OS: "darwin", Gcloud: "/opt/homebrew/bin/gcloud", SDKRoot: "/opt/homebrew/share/google-cloud-sdk", CLIVersion: "540.0.0", Java: "/usr/bin/java", JavaMajor: 21}
	with := func(in Install, f func(*Install)) Install { f(&in); return in }
	tests := []struct {
		name    string
		in      Install
		want    []string
		notWant []string
	}{
		{"all there", deb, nil, []string{"install"}},
		{"Debian packages, Firestore emulator missing", with(deb, func(in *Install) { in.Missing = []Mode{Firestore} }),
			[]string{"apt-get install google-cloud-cli-firestore-emulator", "component manager is disabled"},
			[]string{"gcloud components", "datastore-emulator", "Java"}},
		{"Debian packages, no java", with(deb, func(in *Install) { in.Java, in.JavaMajor = "", 0 }),
			[]string{"apt-get install openjdk-21-jre-headless"}, []string{"emulators"}},
		{"no gcloud on Linux", Install{OS: "linux"},
			[]string{"apt-get install google-cloud-cli", "gcloud components install cloud-datastore-emulator cloud-firestore-emulator beta", "Java 21"}, nil},
		{"macOS, emulators missing", with(mac, func(in *Install) { in.Missing = []Mode{Datastore, Firestore} }),
			[]string{"gcloud components install cloud-datastore-emulator cloud-firestore-emulator beta"}, []string{"apt-get", "Java"}},
		{"macOS, Java 17 with a CLI after 528", with(mac, func(in *Install) { in.JavaMajor = 17 }),
			[]string{"brew install --cask temurin@21"}, []string{"emulators"}},
		{"Windows, no gcloud, no java", Install{OS: "windows"},
			[]string{"https://cloud.google.com/sdk/docs/install", "WSL 2", "gcloud components install", "winget install EclipseAdoptium.Temurin.21.JDK"}, []string{"apt-get", "brew"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.Hint()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("Hint() = %q, want it to contain %q", got, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("Hint() = %q, want it without %q", got, w)
				}
			}
		})
	}
}
