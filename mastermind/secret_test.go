package mastermind_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/gae-lessons/sessions-go/mastermind"
)

// GenerateSecret itself is GenerateSecretFrom(crypto/rand.Reader), which
// TestNewGame draws from.
func TestGenerateSecretFrom(t *testing.T) {
	tests := []struct {
		name    string
		bytes   []byte
		want    string
		wantErr error
	}{
		{"zero is the lowest code", []byte{0, 0}, "1111", nil},
		{"one", []byte{0, 1}, "1112", nil},
		{"NumCodes-1 is the highest code", []byte{0x05, 0x0f}, "6666", nil},
		{"NumCodes wraps around", []byte{0x05, 0x10}, "1111", nil},
		{"last accepted draw", []byte{0xfd, 0x1f}, "6666", nil}, // 64799
		{"draws from 64800 are rejected", []byte{0xfd, 0x20, 0, 7}, "1122", nil},
		{"0xffff is rejected", []byte{0xff, 0xff, 0xff, 0xff, 0x00, 0x02}, "1113", nil},
		{"no bytes", nil, "0000", io.EOF},
		{"one byte", []byte{1}, "0000", io.ErrUnexpectedEOF},
		{"only rejected draws", []byte{0xff, 0xff}, "0000", io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mastermind.GenerateSecretFrom(bytes.NewReader(tt.bytes))
			if got.String() != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("GenerateSecretFrom(% x) = %v, %v; want %v, %v", tt.bytes, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// Feeding every two-byte draw once must give every code equally often,
// which proves the mapping uniform without any statistics.
func TestGenerateSecretFrom_Uniform(t *testing.T) {
	buf := make([]byte, 0, 2<<16)
	for n := range 1 << 16 {
		buf = append(buf, byte(n>>8), byte(n))
	}
	r := bytes.NewReader(buf)
	var counts [mastermind.NumCodes]int
	for {
		c, err := mastermind.GenerateSecretFrom(r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("GenerateSecretFrom: %v", err)
		}
		counts[c.Index()]++
	}
	want := (1 << 16) / mastermind.NumCodes
	for i, got := range counts {
		if got != want {
			t.Fatalf("code %v drawn %d times, want %d", mastermind.CodeFromIndex(i), got, want)
		}
	}
}
