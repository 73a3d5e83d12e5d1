package web

import (
	"net/http"
	"strings"
	"testing"
)

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
