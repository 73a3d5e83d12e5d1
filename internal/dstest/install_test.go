package dstest

import (
	"strings"
	"testing"
)

func TestHint(t *testing.T) {
	tests := []struct {
		name    string
		kind    sdkKind
		missing []int
		java    bool
		want    []string
		notWant []string
	}{
		{"no gcloud", sdkUnknown, nil, true,
			[]string{"apt-get install google-cloud-cli google-cloud-cli-datastore-emulator google-cloud-cli-firestore-emulator",
				"gcloud components install cloud-datastore-emulator cloud-firestore-emulator beta", "Java 17"}, nil},
		{"packages, Firestore emulator missing", sdkPackages, []int{1}, true,
			[]string{"apt-get install google-cloud-cli-firestore-emulator", "component manager is disabled"},
			[]string{"gcloud components", "datastore-emulator", "Java"}},
		{"packages, no java", sdkPackages, []int{0, 1}, false,
			[]string{"apt-get install google-cloud-cli-datastore-emulator google-cloud-cli-firestore-emulator", "Java 17"},
			[]string{"gcloud components"}},
		{"component manager", sdkComponents, []int{0}, true,
			[]string{"gcloud components install cloud-datastore-emulator beta"},
			[]string{"apt-get", "Java"}},
		{"only java missing", sdkPackages, []int{}, false,
			[]string{"Java 17"}, []string{"apt-get", "gcloud components"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hint(tt.kind, tt.missing, tt.java)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("got %q, want it to contain %q", got, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("got %q, want it without %q", got, w)
				}
			}
		})
	}
}
