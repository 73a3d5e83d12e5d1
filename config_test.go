package main

import (
	"log/slog"
	"math"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/internal/web"
)

func TestLoadConfig(t *testing.T) {
	key64 := strings.Repeat("A", 86) + "==" // 64 zero bytes
	days30 := web.Config{MaxAge: 30 * 86400}
	tests := []struct {
		name    string
		env     map[string]string
		want    config
		wantErr string
	}{
		{name: "defaults: generated keys, the class view on", env: map[string]string{},
			want: config{port: "8080", web: days30}},
		{name: "class view on", env: map[string]string{"CLASS_VIEW": "on"},
			want: config{port: "8080", web: days30}},
		{name: "class view off", env: map[string]string{"CLASS_VIEW": "off"},
			want: config{port: "8080", web: web.Config{MaxAge: 30 * 86400, NoClassView: true}}},
		{name: "emulator project", env: map[string]string{"DATASTORE_EMULATOR_HOST": "localhost:8081"},
			want: config{port: "8080", project: "local-sessions", emulator: "localhost:8081", web: days30}},
		{name: "App Engine", env: map[string]string{"GAE_ENV": "standard", "GOOGLE_CLOUD_PROJECT": "p", "PORT": "8081"},
			want: config{port: "8081", project: "p", onAppEngine: true, web: web.Config{MaxAge: 30 * 86400, Secure: true}}},
		{name: "two keys, newest first", env: map[string]string{"SESSION_KEYS": dstest.KeysEnv + ", " + key64},
			want: config{port: "8080", web: web.Config{MaxAge: 30 * 86400, SessionKeys: [][]byte{dstest.Key, nil, make([]byte, 64), nil}}}},
		{name: "max age", env: map[string]string{"SESSION_MAX_AGE": "60"},
			want: config{port: "8080", web: web.Config{MaxAge: 60}}},
		{name: "log level", env: map[string]string{"LOG_LEVEL": "debug"},
			want: config{port: "8080", logLevel: slog.LevelDebug, web: days30}},
		{name: "key not base64", env: map[string]string{"SESSION_KEYS": "not base64!"}, wantErr: "key 1 is not base64"},
		{name: "key too short", env: map[string]string{"SESSION_KEYS": dstest.KeysEnv + ",c2hvcnQ="}, wantErr: "key 2 is 5 bytes long, want 32 or 64"},
		{name: "blank keys", env: map[string]string{"SESSION_KEYS": " "}, wantErr: "set but blank"},
		{name: "max age not a number", env: map[string]string{"SESSION_MAX_AGE": "30d"}, wantErr: "SESSION_MAX_AGE"},
		{name: "max age negative", env: map[string]string{"SESSION_MAX_AGE": "-1"}, wantErr: "want a number of seconds from 1"},
		{name: "max age past 400 days", env: map[string]string{"SESSION_MAX_AGE": "10000000000"}, wantErr: "from 1 to 34560000"},
		{name: "bad port", env: map[string]string{"PORT": "http"}, wantErr: "not a port number"},
		{name: "port zero", env: map[string]string{"PORT": "0"}, wantErr: "not a port number"},
		{name: "bad log level", env: map[string]string{"LOG_LEVEL": "loud"}, wantErr: "LOG_LEVEL"},
		{name: "bad class view", env: map[string]string{"CLASS_VIEW": "no"}, wantErr: `CLASS_VIEW="no": want on`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadConfig(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(c, tt.want) {
				t.Errorf("got %+v, %v; want %+v", c, err, tt.want)
			}
		})
	}
}

func TestTuneGC(t *testing.T) {
	tests := []struct {
		name        string
		env         map[string]string
		wantPercent int
		wantLimit   int64
	}{
		{"defaults", nil, defaultGCPercent, defaultMemoryLimit},
		{"GOGC set", map[string]string{"GOGC": "100"}, 100, defaultMemoryLimit},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "1GiB"}, defaultGCPercent, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Start from Go's own defaults, standing in for what the runtime
			// read from the environment, and restore the test binary's after.
			oldPercent := debug.SetGCPercent(100)
			oldLimit := debug.SetMemoryLimit(math.MaxInt64)
			t.Cleanup(func() {
				debug.SetGCPercent(oldPercent)
				debug.SetMemoryLimit(oldLimit)
			})
			tuneGC(func(k string) string { return tt.env[k] })
			if got := debug.SetGCPercent(100); got != tt.wantPercent {
				t.Errorf("got GC percent %d, want %d", got, tt.wantPercent)
			}
			if got := debug.SetMemoryLimit(-1); got != tt.wantLimit {
				t.Errorf("got memory limit %d, want %d", got, tt.wantLimit)
			}
		})
	}
}
