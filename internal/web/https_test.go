package web

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// secureConfig is testConfig as on App Engine (GAE_ENV=standard).
func secureConfig(tb testing.TB) Config {
	cfg := testConfig(tb)
	cfg.Secure = true
	return cfg
}

// sendCookie sends a JSON request with exactly the Cookie header given
// (none if empty), as a client without a jar, and returns the answer. A
// Secure cookie is never sent back by Go's jar over http://, which is how
// the app itself is reached behind App Engine's front end; so tests of the
// Secure cookie carry it by hand.
func sendCookie(t *testing.T, a *app, method, path, cookie string) answer {
	t.Helper()
	h := http.Header{"Accept": {"application/json"}}
	if method == http.MethodPost {
		h.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != "" {
		h.Set("Cookie", cookie)
	}
	got := (&visitor{t: t, base: a.URL, http: &http.Client{}}).sendRaw(method, path, "", h)
	if got.err != nil {
		t.Fatalf("%s %s: %v", method, path, got.err)
	}
	return got
}

// hstsMaxAge returns the max-age of a Strict-Transport-Security header,
// or -1 if it has none.
func hstsMaxAge(h http.Header) int {
	for _, d := range strings.Split(h.Get("Strict-Transport-Security"), ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(d), "max-age="); ok {
			if n, err := strconv.Atoi(v); err == nil {
				return n
			}
		}
	}
	return -1
}

// The session's cookie and the race's are named and set alike: __Host-
// and Secure where the app is served over HTTPS only.
func TestHTTPS_cookieIsHostPrefixedWhenSecure(t *testing.T) {
	tests := []struct {
		name   string
		secure bool
		prefix string
	}{
		{"App Engine", true, "__Host-"},
		{"plain HTTP", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Secure = tt.secure
			a := startApp(t, cfg)
			for path, name := range map[string]string{"/counter": "session", "/race/reset": "race"} {
				got := sendCookie(t, a, "POST", path, "")
				if got.status != http.StatusOK {
					t.Fatalf("POST %s: got %d %s, want 200", path, got.status, got.body)
				}
				set := got.header.Values("Set-Cookie")
				if len(set) != 1 {
					t.Fatalf("POST %s: got Set-Cookie %q, want one cookie", path, set)
				}
				c, err := http.ParseSetCookie(set[0])
				if err != nil {
					t.Fatal(err)
				}
				if c.Name != tt.prefix+name || c.Secure != tt.secure || c.Path != "/" || c.Domain != "" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
					t.Errorf("POST %s: got %q, want %s%s, Secure=%v, Path=/, no Domain, HttpOnly, SameSite=Lax", path, set[0], tt.prefix, name, tt.secure)
				}
			}
			if want := tt.prefix + "session"; a.srv.cookieName() != want {
				t.Errorf("got cookieName() %q, want %q", a.srv.cookieName(), want)
			}
		})
	}
}

func TestHTTPS_hostPrefixNeedsSecure(t *testing.T) {
	cfg := testConfig(t)
	cfg.CookieName = hostCookieName
	if _, err := New(cfg, nil, nil, repoFiles); err == nil {
		t.Error("got a server with a __Host- cookie over plain HTTP, want an error")
	}
}

// TestHTTPS_firstValidCookieWins shows which of several session cookies in
// one request counts: the first whose signature verifies
// (sessionstore.Store reads r.CookiesNamed, in the order sent, and skips
// any that does not verify). Go's r.Cookie would take the first alone.
//
// Why the order is a fair rule: a browser sends cookies of one name with
// the longest Path first and, among equal paths, the oldest first, so the
// first is the cookie set most specifically for this page. That is also
// how a sibling subdomain or a page under a longer path could push its own
// cookie in front of the visitor's ("cookie tossing"), which is why App
// Engine's cookie is __Host-session: a browser keeps it only if this very
// host set it, Secure, with Path=/ and no Domain, so it holds at most one
// and nobody else can set one. Several therefore come only from a client
// that is not a browser, and it gets the first one that is genuine; one
// garbage cookie in front does not start a visitor afresh.
func TestHTTPS_firstValidCookieWins(t *testing.T) {
	a := startApp(t, secureConfig(t))
	name := a.srv.cookieName()
	// Two visitors: one who clicked once, one who clicked twice.
	clicked := func(clicks int) string {
		t.Helper()
		cookie := ""
		for range clicks {
			got := sendCookie(t, a, "POST", "/counter", cookie)
			if got.status != http.StatusOK {
				t.Fatalf("click: got %d %s", got.status, got.body)
			}
			if set := got.header.Get("Set-Cookie"); set != "" {
				c, err := http.ParseSetCookie(set)
				if err != nil {
					t.Fatal(err)
				}
				cookie = c.Name + "=" + c.Value
			}
		}
		return cookie
	}
	one, two := clicked(1), clicked(2)
	tampered := one[:len(one)-4] + "AAAA"

	tests := []struct {
		name, cookie string
		want         int
	}{
		{"first of two", one + "; " + two, 1},
		{"first of two, other order", two + "; " + one, 2},
		{"a tampered one first is skipped", tampered + "; " + two, 2},
		{"garbage first is skipped", name + "=garbage; " + one, 1},
		{"among other cookies", "a=b; " + two + "; c=d; " + one, 2},
		{"the local name is not read", strings.Replace(one, name, localCookieName, 1), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sendCookie(t, a, "GET", "/counter", tt.cookie)
			if got.status != http.StatusOK || !strings.Contains(got.body, `"count":`+strconv.Itoa(tt.want)+"}") {
				t.Errorf("got %d %s, want count %d", got.status, got.body, tt.want)
			}
		})
	}

	// A click goes to the session that was read, and no other.
	if got := sendCookie(t, a, "POST", "/counter", tampered+"; "+two+"; "+one); !strings.Contains(got.body, `"count":3}`) {
		t.Errorf("click with both: got %d %s, want count 3 for the second visitor", got.status, got.body)
	}
	if got := sendCookie(t, a, "GET", "/counter", one); !strings.Contains(got.body, `"count":1}`) {
		t.Errorf("first visitor after the click: got %s, want count 1", got.body)
	}
}
