package web

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/internal/dstest"
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
// (sessionstore.Store reads r.CookiesNamed, in the order sent, skips any
// that does not verify, and reads at most 8). Go's r.Cookie would take the
// first alone.
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
//
// Cookie headers without a genuine cookie are a fresh session, read
// without a Datastore call, and break neither the pages nor the forms. The
// page does not grow with the cookies, nor echo them: a cookie that does
// not verify is described by its size alone, and the panel shows the
// cookies the store read, so 2,000 give a page at most twice the usual.
func TestHTTPS_firstValidCookieWins(t *testing.T) {
	a := startApp(t, withSecure(testConfig(t), true))
	name := a.srv.cookieName()
	// A new visitor each time: the request carries cookie alone.
	sendCookie := func(method, path, cookie string, asJSON bool) answer {
		t.Helper()
		h := http.Header{"Cookie": {cookie}, "Content-Type": {"application/x-www-form-urlencoded"}}
		if asJSON {
			h.Set("Accept", "application/json")
		}
		return newVisitor(t, a).sendRaw(method, path, "", h)
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
	usual := len(sendCookie("GET", "/counter", one, false).body)
	id := make([]byte, 32)
	many := func(n, valid int) string {
		cookies := make([]string, n)
		for i := range cookies {
			switch {
			case i == valid:
				cookies[i] = one
			case i%2 == 0:
				cookies[i] = fmt.Sprintf("%s=junk%d", name, i)
			default:
				cookies[i] = fmt.Sprintf("other%d=x", i)
			}
		}
		return strings.Join(cookies, "; ")
	}
	junk := strings.Repeat("junk", 15<<10)
	otherKey := dstest.SignedCookie(t, []byte("another key of thirty-two bytes!"), name, id)
	invalid := func(value string) string {
		return fmt.Sprintf("<code>%s</code>: not a valid session cookie (%d bytes)", name, len(value))
	}

	tests := []struct {
		name, cookie string
		want         int    // the count read
		echo, note   string // what the page must not show, and must
	}{
		{"first of two", one + "; " + two, 1, "", ""},
		{"first of two, other order", two + "; " + one, 2, "", ""},
		{"a tampered one first is skipped", tampered + "; " + two, 2, "", ""},
		{"garbage first is skipped", name + "=garbage; " + one, 1, "", ""},
		{"among other cookies", "a=b; " + two + "; c=d; " + one, 2, "", ""},
		{"the local name is not read", strings.Replace(one, name, localCookieName, 1), 0, "", ""},
		{"2,000, the valid one first", many(2000, 0), 1, "junk2", ""},
		{"2,000, the valid one third", many(2000, 2), 1, "junk4", ""},
		{"2,000, the valid one past the 8 read", many(2000, 1999), 0, "junk0", ""},
		{"junk of 60 KB", name + "=" + junk, 0, junk[:20], invalid(junk)},
		{"many cookies", many(300, -1) + "; " + name + "=x; " + name + "=y", 0, "", ""},
		{"invalid base64", name + "=!!!*not*base64*!!!", 0, "", ""},
		{"not even a cookie", "garbage without an equals sign;;;=;=", 0, "", ""},
		{"empty", name + "=", 0, "", ""},
		{"quoted garbage", name + `="not a signed id"`, 0, "not a signed id", ""},
		{"non-ASCII", name + "=\xc3\xa9t\xc3\xa9\xff", 0, "", ""},
		{"hex id instead of bytes", name + "=" + dstest.SignedCookie(t, testKey, name, []byte(hex.EncodeToString(id))), 0, "", ""},
		{"signed id of the wrong length", name + "=" + dstest.SignedCookie(t, testKey, name, id[:16]), 0, "", ""},
		{"signed empty id", name + "=" + dstest.SignedCookie(t, testKey, name, []byte{}), 0, "", ""},
		{"signed with another key", name + "=" + otherKey, 0, otherKey[:20], invalid(otherKey)},
		{"signed for another cookie name", name + "=" + dstest.SignedCookie(t, testKey, "other", id), 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.calls.Reset()
			got := sendCookie("GET", "/counter", tt.cookie, true)
			if got.status != http.StatusOK || !strings.Contains(got.body, `"count":`+strconv.Itoa(tt.want)+"}") {
				t.Errorf("got %d %s, want count %d", got.status, got.body, tt.want)
			}
			if n := a.calls.Total(); tt.want == 0 && n != 0 {
				t.Errorf("a fresh session: got %d Datastore calls, want 0", n)
			}
			switch page := sendCookie("GET", "/counter", tt.cookie, false); {
			case page.status != http.StatusOK:
				t.Errorf("the page: got status %d, want 200", page.status)
			case len(page.body) > 2*usual:
				t.Errorf("got a %d-byte page, want at most twice the usual %d", len(page.body), usual)
			case tt.echo != "" && strings.Contains(page.body, tt.echo):
				t.Errorf("the page echoes the cookie's text %q", tt.echo)
			case !strings.Contains(page.body, tt.note):
				t.Errorf("the panel lacks %q", tt.note)
			}
			if tt.want != 0 {
				return
			}
			for _, r := range []struct {
				method, path string
				asJSON       bool
				want         int
			}{
				{"GET", "/", false, http.StatusOK},
				{"GET", "/mastermind", false, http.StatusOK},
				{"GET", "/mastermind/hint", true, http.StatusOK},
				{"POST", "/counter", true, http.StatusOK},
				{"POST", "/session/end", false, http.StatusSeeOther},
			} {
				if got := sendCookie(r.method, r.path, tt.cookie, r.asJSON); got.status != r.want {
					t.Errorf("%s %s: got %d, want %d; body %.200s", r.method, r.path, got.status, r.want, got.body)
				}
			}
		})
	}

	// A click goes to the session that was read, and no other.
	if got := sendCookie("POST", "/counter", tampered+"; "+two+"; "+one, true); !strings.Contains(got.body, `"count":3}`) {
		t.Errorf("click with both: got %d %s, want count 3 for the second visitor", got.status, got.body)
	}
	if got := sendCookie("GET", "/counter", one, true); !strings.Contains(got.body, `"count":1}`) {
		t.Errorf("first visitor after the click: got %s, want count 1", got.body)
	}
}
