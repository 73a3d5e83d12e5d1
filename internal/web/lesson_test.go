package web

import (
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestRenderMarkdown(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"heading ids as GitHub makes them",
			"# Sessions: a lesson\n## 8. The \"What is in my session\" panel\n### The `sess` value",
			`<h1 id="sessions-a-lesson">Sessions: a lesson</h1>` + "\n" +
				`<h2 id="8-the-what-is-in-my-session-panel">8. The &#34;What is in my session&#34; panel</h2>` + "\n" +
				`<h3 id="the-sess-value">The <code>sess</code> value</h3>` + "\n"},
		{"repeated headings get -1, -2",
			"## Hint\n## Hint\n## Hint",
			`<h2 id="hint">Hint</h2>` + "\n" + `<h2 id="hint-1">Hint</h2>` + "\n" + `<h2 id="hint-2">Hint</h2>` + "\n"},
		{"text is escaped, raw HTML included",
			`<script>alert("hi")</script> & 'x' <b>`,
			`<p>&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt; &amp; &#39;x&#39; &lt;b&gt;</p>` + "\n"},
		{"paragraph lines join; blank lines separate",
			"one\ntwo\n\nthree",
			"<p>one\ntwo</p>\n<p>three</p>\n"},
		{"code span escapes and keeps stars",
			"use `<form method=\"post\">` and `*p`, ``a`b``",
			"<p>use <code>&lt;form method=&#34;post&#34;&gt;</code> and <code>*p</code>, <code>a`b</code></p>\n"},
		{"code span across a line end",
			"run `curl -b 'x'\nlocalhost` now",
			`<p>run <code>curl -b &#39;x&#39; localhost</code> now</p>` + "\n"},
		{"strong, emphasis, nested and across lines; a lone star stays",
			"**bold** and *it\nalic* and *a **b** c* and 2 * 3 and \\*not\\*",
			"<p><strong>bold</strong> and <em>it\nalic</em> and <em>a <strong>b</strong> c</em> and 2 * 3 and *not*</p>\n"},
		{"links the app can serve",
			"[web](https://example.com/?a=1&b=2) [page](/counter) [section](#2-session-variables)",
			`<p><a href="https://example.com/?a=1&amp;b=2">web</a> <a href="/counter">page</a> <a href="#2-session-variables">section</a></p>` + "\n"},
		{"a quote in a link target stays inside the attribute",
			`[x](https://example.com/"onmouseover="alert(1))`,
			`<p><a href="https://example.com/&#34;onmouseover=&#34;alert(1)">x</a></p>` + "\n"},
		{"a script link is text only",
			"[click](javascript:alert(1)) [mail](mailto:a@example.com)",
			"<p>click mail</p>\n"},
		{"a repository file named by its text is not a link",
			"in [`stateless.go`](../stateless.go) and [`sessionstore`](../sessionstore/)",
			`<p>in <span class="source" title="stateless.go in the source"><code>stateless.go</code></span>` +
				` and <span class="source" title="sessionstore in the source"><code>sessionstore</code></span></p>` + "\n"},
		{"a repository file named otherwise gets its path",
			"see [deploy.md](deploy.md#run-it-locally-first) and [`mastermind.Hint`](../mastermind/solver.go)",
			`<p>see <span class="source" title="docs/deploy.md in the source">deploy.md (<code>docs/deploy.md</code> in the source)</span>` +
				` and <span class="source" title="mastermind/solver.go in the source"><code>mastermind.Hint</code> (<code>mastermind/solver.go</code> in the source)</span></p>` + "\n"},
		{"code fence keeps < and tabs, escaped",
			"```go\nif a < b && c {\n\treturn \"x\"\n}\n```",
			"<pre><code class=\"language-go\">if a &lt; b &amp;&amp; c {\n\treturn &#34;x&#34;\n}</code></pre>\n"},
		{"code fence language is escaped",
			"```a\"b\nx\n```",
			"<pre><code class=\"language-a&#34;b\">x</code></pre>\n"},
		{"tight bullet list with a continuation line",
			"- one\n  more\n- two",
			"<ul>\n<li>one\nmore\n</li>\n<li>two\n</li>\n</ul>\n"},
		{"loose list item with a code block inside",
			"- say:\n\n  ```sh\n  make run\n  ```\n\n  done\n- next",
			"<ul>\n<li><p>say:</p>\n<pre><code class=\"language-sh\">make run</code></pre>\n<p>done</p>\n</li>\n<li><p>next</p>\n</li>\n</ul>\n"},
		{"numbered list with a lazy line, a start and a wider marker",
			"9. nine\nlazy\n10. ten\n    more",
			"<ol start=\"9\">\n<li>nine\nlazy\n</li>\n<li>ten\nmore\n</li>\n</ol>\n"},
		{"a list ends at an unindented paragraph",
			"- item\n\nafter",
			"<ul>\n<li>item\n</li>\n</ul>\n<p>after</p>\n"},
		{"a bullet interrupts a paragraph, a number other than 1 does not",
			"text\n- item\n\nyear\n2026. was",
			"<p>text</p>\n<ul>\n<li>item\n</li>\n</ul>\n<p>year\n2026. was</p>\n"},
		{"pipe table, escaped cells, rows cut or padded to the header",
			"| a | `b` |\n|---|---|\n| <x> | **y** | extra |\n| only |",
			"<table>\n<thead>\n<tr><th>a</th><th><code>b</code></th></tr>\n</thead>\n<tbody>\n" +
				"<tr><td>&lt;x&gt;</td><td><strong>y</strong></td></tr>\n<tr><td>only</td><td></td></tr>\n</tbody>\n</table>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(renderMarkdown(tt.in).Body); got != tt.want {
				t.Errorf("renderMarkdown(%q):\ngot  %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRenderMarkdown_title(t *testing.T) {
	got := renderMarkdown("intro\n\n## Not this\n# The `real` <title>\n# Not this either").Title
	if want := "The real <title>"; got != want {
		t.Errorf("got title %q, want %q", got, want)
	}
}

var (
	tagRE      = regexp.MustCompile(`<(/?)([a-z0-9]+)((?:\s+[a-z]+="[^"<>]*")*)\s*>`)
	attrRE     = regexp.MustCompile(`([a-z]+)="([^"]*)"`)
	servableRE = regexp.MustCompile(`^(#|/[^/\\]|https?://)`)
)

// FuzzRenderMarkdown checks that whatever the source, the output holds only
// the tags and attributes the renderer makes, and links only to what the
// app serves. The lesson itself is one of the seeds.
func FuzzRenderMarkdown(f *testing.F) {
	lesson, err := fs.ReadFile(repoFiles, "docs/lesson.md")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{string(lesson), "<img src=x onerror=alert(1)>", "[a](javascript:x) `<`", "- [x](../a.go)\n\n  ```\"><script>\n  ```"} {
		f.Add(seed)
	}
	tags := []string{"h1", "h2", "h3", "h4", "h5", "h6", "p", "pre", "code", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "strong", "em", "a", "span"}
	attrs := []string{"id", "class", "href", "title", "start"}
	f.Fuzz(func(t *testing.T, src string) {
		out := string(renderMarkdown(src).Body)
		if got := tagRE.ReplaceAllString(out, ""); strings.ContainsAny(got, "<>") {
			t.Fatalf("output has a < or > outside the renderer's tags: %q", got)
		}
		for _, m := range tagRE.FindAllStringSubmatch(out, -1) {
			if !slices.Contains(tags, m[2]) {
				t.Fatalf("output has tag <%s>", m[2])
			}
			for _, a := range attrRE.FindAllStringSubmatch(m[3], -1) {
				if !slices.Contains(attrs, a[1]) {
					t.Fatalf("output has attribute %s", a[0])
				}
				if a[1] == "href" && !servableRE.MatchString(a[2]) {
					t.Fatalf("output links to %q, which the app cannot serve", a[2])
				}
			}
		}
	})
}

// getLesson fetches /lesson as a browser, or asking for JSON.
func getLesson(tb testing.TB, a *app, asJSON bool) (*http.Response, string) {
	tb.Helper()
	resp := newVisitor(tb, a).do("GET", "/lesson", nil, asJSON)
	return resp, text(tb, resp)
}

func TestLesson_pageInTheLayout(t *testing.T) {
	a := newApp(t)
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
	a := newApp(t)
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
	a := newApp(t)
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

func TestLesson_htmlEvenForJSON(t *testing.T) {
	a := newApp(t)
	resp, page := getLesson(t, a, true)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /lesson with Accept: application/json: got status %d, want 200", resp.StatusCode)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" || !strings.Contains(page, "<h1 ") {
		t.Errorf("GET /lesson with Accept: application/json: got Content-Type %q, want the HTML page (HTML only, like GET /)", got)
	}
}
