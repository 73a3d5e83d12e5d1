package main

import (
	"log/slog"
	"math"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

func TestLoadConfig(t *testing.T) {
	key32 := dstest.KeysEnv
	key64 := strings.Repeat("A", 86) + "=="
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(t *testing.T, c config)
	}{
		{name: "defaults", env: map[string]string{}, check: func(t *testing.T, c config) {
			if c.port != "8080" || c.web.MaxAge != 30*86400 || c.web.SessionKeys != nil || c.onAppEngine {
				t.Errorf("got %+v, want port 8080, 30 days, generated keys, not App Engine", c)
			}
		}},
		{name: "emulator project", env: map[string]string{"DATASTORE_EMULATOR_HOST": "localhost:8081"}, check: func(t *testing.T, c config) {
			if c.project != "local-sessions" {
				t.Errorf("got project %q, want local-sessions", c.project)
			}
		}},
		{name: "App Engine", env: map[string]string{"GAE_ENV": "standard", "GOOGLE_CLOUD_PROJECT": "p", "PORT": "8081"}, check: func(t *testing.T, c config) {
			if !c.onAppEngine || c.project != "p" || c.port != "8081" {
				t.Errorf("got %+v", c)
			}
		}},
		{name: "two keys, newest first", env: map[string]string{"SESSION_KEYS": key32 + ", " + key64}, check: func(t *testing.T, c config) {
			if len(c.web.SessionKeys) != 4 || len(c.web.SessionKeys[0]) != 32 || len(c.web.SessionKeys[2]) != 64 || c.web.SessionKeys[1] != nil {
				t.Errorf("got %d key pair parts, want [32-byte, nil, 64-byte, nil]", len(c.web.SessionKeys))
			}
		}},
		{name: "max age", env: map[string]string{"SESSION_MAX_AGE": "60"}, check: func(t *testing.T, c config) {
			if c.web.MaxAge != 60 {
				t.Errorf("got max age %d, want 60", c.web.MaxAge)
			}
		}},
		{name: "key not base64", env: map[string]string{"SESSION_KEYS": "not base64!"}, wantErr: "key 1 is not base64"},
		{name: "key too short", env: map[string]string{"SESSION_KEYS": key32 + ",c2hvcnQ="}, wantErr: "key 2 is 5 bytes long, want 32 or 64"},
		{name: "max age not a number", env: map[string]string{"SESSION_MAX_AGE": "30d"}, wantErr: "SESSION_MAX_AGE"},
		{name: "max age negative", env: map[string]string{"SESSION_MAX_AGE": "-1"}, wantErr: "want a number of seconds from 1"},
		{name: "bad port", env: map[string]string{"PORT": "http"}, wantErr: "not a port number"},
		{name: "port zero", env: map[string]string{"PORT": "0"}, wantErr: "not a port number"},
		{name: "max age past 400 days", env: map[string]string{"SESSION_MAX_AGE": "10000000000"}, wantErr: "from 1 to 34560000"},
		{name: "log level", env: map[string]string{"LOG_LEVEL": "debug"}, check: func(t *testing.T, c config) {
			if c.logLevel != slog.LevelDebug {
				t.Errorf("got log level %v, want DEBUG", c.logLevel)
			}
		}},
		{name: "bad log level", env: map[string]string{"LOG_LEVEL": "loud"}, wantErr: "LOG_LEVEL"},
		{name: "class view on by default", env: map[string]string{}, check: func(t *testing.T, c config) {
			if c.web.NoClassView {
				t.Error("got the class view off, want it on")
			}
		}},
		{name: "class view on", env: map[string]string{"CLASS_VIEW": "on"}, check: func(t *testing.T, c config) {
			if c.web.NoClassView {
				t.Error("got the class view off, want it on")
			}
		}},
		{name: "class view off", env: map[string]string{"CLASS_VIEW": "off"}, check: func(t *testing.T, c config) {
			if !c.web.NoClassView {
				t.Error("got the class view on, want it off")
			}
		}},
		{name: "bad class view", env: map[string]string{"CLASS_VIEW": "no"}, wantErr: `CLASS_VIEW="no": want on`},
		{name: "blank keys", env: map[string]string{"SESSION_KEYS": " "}, wantErr: "set but blank"},
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
			if err != nil {
				t.Fatalf("loadConfig: %v", err)
			}
			tt.check(t, c)
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
