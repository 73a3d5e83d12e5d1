package web

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The lesson is a page of the layout, with no inline style or script (the
// policy forbids them) and no session panel (it needs none); its ids are
// unique, and every link within the page leads to one of them.
func TestLesson_pageInTheLayoutAndLinksResolve(t *testing.T) {
	resp := newVisitor(t, offlineApp(t)).send("GET", "/lesson", nil, false)
	page := resp.body
	if resp.status != http.StatusOK {
		t.Fatalf("GET /lesson: got status %d, want 200; body %s", resp.status, page)
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
	for _, unwanted := range []string{"style=", "<script", `id="panel-title"`} {
		if strings.Contains(page, unwanted) {
			t.Errorf("GET /lesson: page contains %s", unwanted)
		}
	}
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
