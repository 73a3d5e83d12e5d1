package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

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
	a := startApp(t, withSecure(testConfig(t), true))
	name := a.srv.cookieName()
	// A new visitor each time: the request carries cookie alone.
	sendCookie := func(method, cookie string) answer {
		t.Helper()
		var form url.Values
		if method == "POST" {
			form = url.Values{}
		}
		return newVisitor(t, a).sendWith(method, "/counter", form, true, http.Header{"Cookie": {cookie}})
	}
	// Two visitors: one who clicked once, one who clicked twice.
	clicked := func(clicks int) string {
		t.Helper()
		v := newVisitor(t, a)
		for range clicks {
			v.click()
		}
		return v.cookieHeader()
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
			got := sendCookie("GET", tt.cookie)
			if got.status != http.StatusOK || !strings.Contains(got.body, `"count":`+strconv.Itoa(tt.want)+"}") {
				t.Errorf("got %d %s, want count %d", got.status, got.body, tt.want)
			}
		})
	}

	// A click goes to the session that was read, and no other.
	if got := sendCookie("POST", tampered+"; "+two+"; "+one); !strings.Contains(got.body, `"count":3}`) {
		t.Errorf("click with both: got %d %s, want count 3 for the second visitor", got.status, got.body)
	}
	if got := sendCookie("GET", one); !strings.Contains(got.body, `"count":1}`) {
		t.Errorf("first visitor after the click: got %s, want count 1", got.body)
	}
}
