package markdown_test

import (
	"testing"

	"github.com/gae-lessons/sessions-go/internal/markdown"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"heading ids as GitHub makes them",
			"# Sessions: a lesson\n## 8. The \"What is in my session\" panel\n### The `sess` value",
			`<h1 id="sessions-a-lesson">Sessions: a lesson</h1>` + "\n" +
				`<h2 id="8-the-what-is-in-my-session-panel">8. The &quot;What is in my session&quot; panel</h2>` + "\n" +
				`<h3 id="the-sess-value">The <code>sess</code> value</h3>` + "\n"},
		{"repeated headings get -1, -2",
			"## Hint\n## Hint\nHint\n--",
			`<h2 id="hint">Hint</h2>` + "\n" + `<h2 id="hint-1">Hint</h2>` + "\n" + `<h2 id="hint-2">Hint</h2>` + "\n"},
		{"a heading's id is made of its text, not its source",
			"## A [link](#x) &amp; `c_d` \\* Ünïcode",
			`<h2 id="a-link--c_d--ünïcode">A <a href="#x">link</a> &amp; <code>c_d</code> * Ünïcode</h2>` + "\n"},
		{"a heading of punctuation only has no id",
			"## ?!",
			"<h2>?!</h2>\n"},
		{"text is escaped, raw HTML included",
			`<b>bold</b> <script>alert("hi")</script> & 'x'`,
			`<p>&lt;b&gt;bold&lt;/b&gt; &lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; 'x'</p>` + "\n"},
		{"an HTML block is shown as a paragraph of text",
			"<div onclick=\"x()\">\n<p>hi</p>\n</div>\n\nafter",
			"<p>&lt;div onclick=&quot;x()&quot;&gt;\n&lt;p&gt;hi&lt;/p&gt;\n&lt;/div&gt;</p>\n<p>after</p>\n"},
		{"strikethrough",
			"~~gone~~",
			"<p><del>gone</del></p>\n"},
		{"links the app can serve",
			"[web](https://example.com/?a=1&b=2) [page](/counter) [section](#2-session-variables) <https://example.com/x>",
			`<p><a href="https://example.com/?a=1&amp;b=2">web</a> <a href="/counter">page</a> <a href="#2-session-variables">section</a>` +
				` <a href="https://example.com/x">https://example.com/x</a></p>` + "\n"},
		{"a quote in a link target stays inside the attribute",
			`[x](https://example.com/"onmouseover="alert(1))`,
			`<p><a href="https://example.com/%22onmouseover=%22alert(1)">x</a></p>` + "\n"},
		{"a link to a script, mail, another host or nowhere is text only",
			"[click](javascript:alert(1)) [mail](mailto:a@example.com) [far](//example.com) [none]() <a@example.com> <ftp://example.com>",
			"<p>click mail far none a@example.com ftp://example.com</p>\n"},
		{"a repository file named by its text is not a link",
			"in [`stateless.go`](../stateless.go) and [`sessionstore`](../sessionstore/)",
			`<p>in <span class="source" title="stateless.go in the source"><code>stateless.go</code></span>` +
				` and <span class="source" title="sessionstore in the source"><code>sessionstore</code></span></p>` + "\n"},
		{"a repository file named otherwise gets its path",
			"see [deploy.md](deploy.md#run-it-locally-first) and [`mastermind.Hint`](../mastermind/solver.go)",
			`<p>see <span class="source" title="docs/deploy.md in the source">deploy.md (<code>docs/deploy.md</code> in the source)</span>` +
				` and <span class="source" title="mastermind/solver.go in the source"><code>mastermind.Hint</code> (<code>mastermind/solver.go</code> in the source)</span></p>` + "\n"},
		{"images show only from the app's paths",
			"![logo](/static/logo.png) ![far](https://example.com/x.png) ![here](pic.png)",
			`<p><img src="/static/logo.png" alt="logo"> far <span class="source" title="docs/pic.png in the source">here (<code>docs/pic.png</code> in the source)</span></p>` + "\n"},
		{"code blocks, fenced or indented, are in the tab order",
			"```go\nif a < b {\n```\n\n    a <b>",
			"<pre tabindex=\"0\"><code class=\"language-go\">if a &lt; b {\n</code></pre>\n<pre tabindex=\"0\"><code>a &lt;b&gt;\n</code></pre>\n"},
		{"pipe table, escaped cells, rows cut or padded to the header, no alignment",
			"| a | `b` |\n|:--|--:|\n| <x> | **y** | extra |\n| only |",
			"<table tabindex=\"0\">\n<thead>\n<tr>\n<th>a</th>\n<th><code>b</code></th>\n</tr>\n</thead>\n<tbody>\n" +
				"<tr>\n<td>&lt;x&gt;</td>\n<td><strong>y</strong></td>\n</tr>\n<tr>\n<td>only</td>\n<td></td>\n</tr>\n</tbody>\n</table>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(t, tt.in).Body; string(got) != tt.want {
				t.Errorf("Render(%q).Body:\ngot  %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRender_title(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"the first level-1 heading, as text",
			"intro\n\n## Not this\n# The `real` <title>\n# Not this either",
			"The real <title>"},
		{"escapes and references resolved", "# A &amp; B \\* &#65;", "A & B * A"},
		{"a setext heading", "The title\n=========\n\n# Not this", "The title"},
		{"an empty heading is passed over", "#\n# Second", "Second"},
		{"none", "## Only level 2\n\ntext", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(t, tt.in).Title; got != tt.want {
				t.Errorf("Render(%q).Title: got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// render renders src, failing tb if Render fails.
func render(tb testing.TB, src string) markdown.Doc {
	tb.Helper()
	doc, err := markdown.Render([]byte(src))
	if err != nil {
		tb.Fatalf("Render(%q): %v", src, err)
	}
	return doc
}
