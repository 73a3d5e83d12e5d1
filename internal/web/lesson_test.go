package web

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// getLesson fetches /lesson as a browser, or asking for JSON.
func getLesson(tb testing.TB, a *app, asJSON bool) (*http.Response, string) {
	tb.Helper()
	resp := newVisitor(tb, a).do("GET", "/lesson", nil, asJSON)
	return resp, text(tb, resp)
}

func TestLesson_pageInTheLayout(t *testing.T) {
	a := offlineApp(t)
	resp, page := getLesson(t, a, false)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /lesson: got status %d, want 200; body %s", resp.StatusCode, page)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("got Content-Type %q, want text/html; charset=utf-8", got)
	}
	for _, want := range []string{
		"<title>Sessions: how a web app remembers a visitor — Sessions</title>",
		`<h1 id="sessions-how-a-web-app-remembers-a-visitor">Sessions: how a web app remembers a visitor</h1>`,
		`<a href="/lesson" aria-current="page">The lesson</a>`,
		`<link rel="stylesheet" href="/static/style.css">`,
		`<h2 id="9-exercises">9. Exercises</h2>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("GET /lesson: page lacks %s", want)
		}
	}
	// The policy forbids inline styles and scripts, and the lesson needs no session.
	for _, unwanted := range []string{"style=", "<script", `id="panel-title"`} {
		if strings.Contains(page, unwanted) {
			t.Errorf("GET /lesson: page contains %s", unwanted)
		}
	}
}

func TestLesson_noDatastoreAndNoCookie(t *testing.T) {
	a := offlineApp(t)
	resp, _ := getLesson(t, a, false)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /lesson: got status %d, want 200", resp.StatusCode)
	}
	if n := a.calls.Total(); n != 0 {
		t.Errorf("GET /lesson: got %d Datastore calls (%v), want 0", n, a.calls.Calls())
	}
	if c := resp.Header.Values("Set-Cookie"); len(c) != 0 {
		t.Errorf("GET /lesson: got Set-Cookie %q, want none", c)
	}
}

func TestLesson_linksResolve(t *testing.T) {
	a := offlineApp(t)
	_, page := getLesson(t, a, false)
	var ids []string
	for _, m := range regexp.MustCompile(` id="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if slices.Contains(ids, m[1]) {
			t.Errorf("id %q appears twice on the page", m[1])
		}
		ids = append(ids, m[1])
	}
	anchors := 0
	for _, m := range regexp.MustCompile(` href="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		switch href := m[1]; {
		case strings.HasPrefix(href, "#"):
			anchors++
			if !slices.Contains(ids, href[1:]) {
				t.Errorf("link to %s: no element on the page has id %q", href, href[1:])
			}
		case strings.HasPrefix(href, "/"), strings.HasPrefix(href, "https://"):
		default:
			t.Errorf("link to %q: a relative link, which would be broken on /lesson", href)
		}
	}
	// The table of contents has nine sections, and section 1 links to section 5.
	if anchors < 10 {
		t.Errorf("got %d links within the page, want at least 10 (the table of contents and more)", anchors)
	}
}
