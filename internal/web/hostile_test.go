package web

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestHostile_crossOriginPostIsRefused(t *testing.T) {
	a := newApp(t)
	p := newPlayer(t, a, 2)
	startRace(p.visitor)
	senders := []struct {
		name   string
		header http.Header
	}{
		{"Sec-Fetch-Site cross-site", http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{"Sec-Fetch-Site same-site", http.Header{"Sec-Fetch-Site": {"same-site"}}},
		{"Origin of another site", http.Header{"Origin": {"https://evil.example"}}},
		{"Origin null", http.Header{"Origin": {"null"}}},
		{"matching Origin but cross-site", http.Header{"Origin": {a.URL}, "Sec-Fetch-Site": {"cross-site"}}},
		{"two Origins, this site's first", http.Header{"Origin": {a.URL, "https://evil.example"}}},
		{"two Sec-Fetch-Sites, same-origin first", http.Header{"Sec-Fetch-Site": {"same-origin", "cross-site"}}},
		{"Origin of another site but same-origin", http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"same-origin"}}},
	}
	a.calls.Reset()
	for _, s := range senders {
		for _, r := range samplesOf(t, isPost) {
			for _, asJSON := range []bool{false, true} {
				what := s.name + ": POST " + r.path + format(asJSON)
				got := p.sendWith("POST", r.path, r.form, asJSON, s.header)
				if got.err != nil || got.status != http.StatusForbidden {
					t.Errorf("%s: got %d, %v; want 403", what, got.status, got.err)
				}
				if c := got.header.Values("Set-Cookie"); len(c) != 0 {
					t.Errorf("%s: got Set-Cookie %q, want none", what, c)
				}
			}
		}
	}
	if n := a.calls.Total(); n != 0 {
		t.Errorf("refused posts made %d Datastore calls (%v), want 0", n, a.calls.Calls())
	}
	checkUnchanged(t, "after refused posts", p)
}

// Cookie headers no browser of this site sends are a fresh session, read
// without a Datastore call, and break neither the pages nor the forms.
func TestHostile_badCookieIsAFreshSession(t *testing.T) {
	a := newApp(t)
	cookieName := localCookieName // newApp serves plain HTTP
	key := testKey
	id := make([]byte, 32)
	var many strings.Builder
	for i := range 300 {
		fmt.Fprintf(&many, "c%d=%d; ", i, i)
	}
	for _, c := range []struct{ name, header string }{
		{"8 KiB of garbage", cookieName + "=" + strings.Repeat("Zm9v", 2<<10)},
		{"many cookies", many.String() + cookieName + "=x; " + cookieName + "=y"},
		{"invalid base64", cookieName + "=!!!*not*base64*!!!"},
		{"not even a cookie", "garbage without an equals sign;;;=;="},
		{"empty", cookieName + "="},
		{"quoted garbage", cookieName + `="not a signed id"`},
		{"non-ASCII", cookieName + "=\xc3\xa9t\xc3\xa9\xff"},
		{"hex id instead of bytes", cookieName + "=" + signedCookie(t, key, cookieName, []byte(hex.EncodeToString(id)))},
		{"signed id of the wrong length", cookieName + "=" + signedCookie(t, key, cookieName, id[:16])},
		{"signed empty id", cookieName + "=" + signedCookie(t, key, cookieName, []byte{})},
		{"signed with another key", cookieName + "=" + signedCookie(t, []byte("another key of thirty-two bytes!"), cookieName, id)},
		{"signed for another cookie name", cookieName + "=" + signedCookie(t, key, "other", id)},
	} {
		t.Run(c.name, func(t *testing.T) {
			// A new client each time: the cookie sent is c's alone.
			send := func(method, path string, asJSON bool) (int, string) {
				h := http.Header{"Cookie": {c.header}, "Content-Type": {"application/x-www-form-urlencoded"}}
				if asJSON {
					h.Set("Accept", "application/json")
				}
				got := newVisitor(t, a).sendRaw(method, path, "", h)
				return got.status, got.body
			}
			a.calls.Reset()
			if status, body := send("GET", "/counter", true); status != http.StatusOK || !strings.Contains(body, `"count":0`) {
				t.Errorf("GET /counter: got %d %s, want 200 with count 0", status, body)
			}
			if n := a.calls.Total(); n != 0 {
				t.Errorf("GET /counter made %d Datastore calls, want 0", n)
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
				if status, body := send(r.method, r.path, r.asJSON); status != r.want {
					t.Errorf("%s %s: got %d, want %d; body %.200s", r.method, r.path, status, r.want, body)
				}
			}
		})
	}
}

func TestHostile_oddAcceptHeader(t *testing.T) {
	a := newApp(t)
	accepts := []string{
		"", "*/*", "application/json;q=0", "application/json; charset=utf-8",
		"text/html, application/json", "APPLICATION/JSON", "application/jsonx",
		";;;,,,/", strings.Repeat("application/", 1000), "text/\xff",
	}
	// Whether each path answers JSON when asked: pages only (docs/http.md)
	// and files answer as they always do.
	paths := map[string]bool{"/": false, "/lesson": false, "/counter": true, "/mastermind": true, "/mastermind/hint": true, "/nope": true, "/static/style.css": false}
	t.Run("two Accept lines", func(t *testing.T) {
		got := newVisitor(t, a).sendWith("GET", "/counter", nil, false, http.Header{"Accept": {"text/html", "application/json"}})
		if ct := got.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("got Content-Type %q, want application/json", ct)
		}
	})
	for _, accept := range accepts {
		for path, answersJSON := range paths {
			v := newVisitor(t, a)
			got := v.sendWith("GET", path, nil, false, http.Header{"Accept": {accept}})
			if got.err != nil || got.status >= 500 {
				t.Errorf("GET %s with Accept %.40q: got %d, %v; want no 5xx", path, accept, got.status, got.err)
			}
			want := "text/html; charset=utf-8"
			switch {
			case answersJSON && strings.Contains(strings.ToLower(accept), "application/json"):
				want = "application/json"
			case path == "/static/style.css":
				want = "text/css; charset=utf-8"
			}
			if ct := got.header.Get("Content-Type"); ct != want {
				t.Errorf("GET %s with Accept %.40q: got Content-Type %q, want %q", path, accept, ct, want)
			}
		}
	}
}
