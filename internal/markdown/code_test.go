package markdown_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
)

// TestRender_codeAsGoldmark checks that code blocks, which this package
// renders itself to make them focusable, come out as goldmark's own
// renderer writes them but for tabindex="0": the same escaping, language
// class and line ends.
func TestRender_codeAsGoldmark(t *testing.T) {
	tests := []string{
		"```go\nif a < b && c {\n\treturn \"x\"\n}\n```",
		"```a\"b&amp;<c> more words\nx\n```",
		"~~~\n&amp; &#65; \\* <!-- c --> </code></pre>\n~~~",
		"    indented <b>\n\n    \tafter a blank line\n",
		"```sh\r\ncrlf line\r\n```\r\n",
		"```\nnever closed\n\n",
		"```\n```",
		"- in a list:\n\n  ```\n  x\n   y\n  ```",
		"> quoted\n>\n>     code",
	}
	plain := goldmark.New()
	for _, src := range tests {
		var want bytes.Buffer
		if err := plain.Convert([]byte(src), &want); err != nil {
			t.Fatalf("goldmark: %v", err)
		}
		got := strings.ReplaceAll(string(render(t, src).Body), `<pre tabindex="0">`, "<pre>")
		if got != want.String() {
			t.Errorf("Render(%q).Body, tabindex taken out:\ngot  %q\nwant %q", src, got, want.String())
		}
	}
}

// TestRender_scrollingBlocksFocusable checks that every block the
// stylesheet may scroll sideways, each code block and table of the lesson,
// is in the tab order.
func TestRender_scrollingBlocksFocusable(t *testing.T) {
	body := string(render(t, string(lesson(t))).Body)
	for _, tag := range []string{"pre", "table"} {
		all := strings.Count(body, "<"+tag+">") + strings.Count(body, "<"+tag+" ")
		focusable := strings.Count(body, "<"+tag+` tabindex="0">`)
		if all == 0 || focusable != all {
			t.Errorf("the lesson has %d <%s> of which %d have tabindex=\"0\"; want all, and at least one", all, tag, focusable)
		}
	}
}
