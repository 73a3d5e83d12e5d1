package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/gae-lessons/sessions-go/internal/web"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// maxSessionMaxAge is 400 days: browsers cap a cookie's lifetime there.
const maxSessionMaxAge = 400 * 86400

// config is what the server reads from its environment at start.
type config struct {
	port        string
	project     string // empty: detect from the environment's credentials
	emulator    string // DATASTORE_EMULATOR_HOST, empty for real Datastore
	onAppEngine bool   // App Engine standard: JSON logs, Secure cookies
	logLevel    slog.Level
	web         web.Config
}

// loadConfig reads the configuration the HTTP contract names. getenv is
// os.Getenv outside tests.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		port:        getenv("PORT"),
		project:     getenv("GOOGLE_CLOUD_PROJECT"),
		emulator:    getenv("DATASTORE_EMULATOR_HOST"),
		onAppEngine: getenv("GAE_ENV") == "standard",
	}
	c.web.MaxAge = sessionstore.DefaultMaxAge
	c.web.Secure = c.onAppEngine
	if c.port == "" {
		c.port = "8080"
	}
	if n, err := strconv.ParseUint(c.port, 10, 16); err != nil || n == 0 {
		return c, fmt.Errorf("PORT=%q is not a port number (1 to 65535)", c.port)
	}
	if c.project == "" && c.emulator != "" {
		// The emulator takes any project id; keep the one it was started with.
		c.project = getenv("DATASTORE_PROJECT_ID")
		if c.project == "" {
			c.project = "local-sessions"
		}
	}
	if v := getenv("SESSION_MAX_AGE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > maxSessionMaxAge {
			return c, fmt.Errorf("SESSION_MAX_AGE=%q: want a number of seconds from 1 to %d (400 days, the longest a browser keeps a cookie), such as 2592000 for 30 days", v, maxSessionMaxAge)
		}
		c.web.MaxAge = n
	}
	if v := getenv("LOG_LEVEL"); v != "" {
		if err := c.logLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("LOG_LEVEL=%q: want debug, info, warn or error", v)
		}
	}
	switch v := getenv("CLASS_VIEW"); v {
	case "", "on":
	case "off":
		c.web.NoClassView = true
	default:
		return c, fmt.Errorf("CLASS_VIEW=%q: want on (the default: /class shows the class's clicks) or off (no /class)", v)
	}
	keys, err := parseSessionKeys(getenv("SESSION_KEYS"))
	if err != nil {
		return c, err
	}
	c.web.SessionKeys = keys
	return c, nil
}

// parseSessionKeys turns SESSION_KEYS — comma-separated base64 keys of 32 or
// 64 bytes, newest first — into sessionstore key pairs. Empty means none.
func parseSessionKeys(v string) ([][]byte, error) {
	if v == "" {
		return nil, nil
	}
	if strings.TrimSpace(v) == "" {
		return nil, errors.New("SESSION_KEYS is set but blank: unset it to use generated keys, or give base64 keys made with `openssl rand -base64 32`")
	}
	var pairs [][]byte
	for i, field := range strings.Split(v, ",") {
		field = strings.TrimSpace(field)
		key, err := decodeBase64(field)
		if err != nil {
			return nil, fmt.Errorf("SESSION_KEYS: key %d is not base64: make one with `openssl rand -base64 32`", i+1)
		}
		if len(key) != 32 && len(key) != 64 {
			return nil, fmt.Errorf("SESSION_KEYS: key %d is %d bytes long, want 32 or 64: make one with `openssl rand -base64 32`", i+1, len(key))
		}
		pairs = append(pairs, key, nil)
	}
	return pairs, nil
}

// decodeBase64 accepts standard and URL-safe base64, padded or not.
func decodeBase64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}

// The garbage collector's settings when the environment sets none. The
// server's live heap is small (a few MiB: sessions live in Datastore, not
// here) while every request allocates, so Go's default GOGC=100 collects
// very often; 400 cut the server's CPU per request by about a sixth in the
// load benchmark (docs/benchmarks.md), for a peak memory still well under
// 64 MiB. The soft limit bounds that growth to half of App Engine's
// smallest instance (F1, 384 MB) should the live heap ever grow.
const (
	defaultGCPercent   = 400
	defaultMemoryLimit = 192 << 20
)

// tuneGC applies the defaults above, leaving alone what the operator chose
// through GOGC or GOMEMLIMIT (which the Go runtime has already applied).
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}
