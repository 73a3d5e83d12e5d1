package markdown_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/internal/markdown"
)

var (
	tagRE      = regexp.MustCompile(`<(/?)([a-z0-9]+)((?:\s+[a-z]+="[^"<>]*")*)\s*>`)
	attrRE     = regexp.MustCompile(`([a-z]+)="([^"]*)"`)
	servableRE = regexp.MustCompile(`^(#|/([^/\\]|$)|https?://)`)
)

// FuzzRender checks that whatever the source, Render succeeds and its Body
// holds only the tags and attributes goldmark and this package make, so
// that no source text reaches it unescaped, and links only to what the app
// serves. The lesson itself is one of the seeds.
func FuzzRender(f *testing.F) {
	lesson, err := os.ReadFile("../../docs/lesson.md")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(lesson))
	for _, seed := range []string{
		"<img src=x onerror=alert(1)>", "<script>x</script>\n\n<!-- c -->", "[a](javascript:x) `<`",
		"- [x](../a.go)\n\n  ```\"><script>\n  ```", "[a](</\t/x>) <//x> ![i](//x)", "| <a> |\n|-|\n| [b](c) |",
	} {
		f.Add(seed)
	}
	tags := []string{"h1", "h2", "h3", "h4", "h5", "h6", "p", "pre", "code", "ul", "ol", "li", "blockquote", "hr", "br",
		"table", "thead", "tbody", "tr", "th", "td", "strong", "em", "del", "a", "img", "span"}
	attrs := []string{"id", "class", "href", "title", "start", "src", "alt", "tabindex"}
	f.Fuzz(func(t *testing.T, src string) {
		doc, err := markdown.Render([]byte(src))
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		out := string(doc.Body)
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
				if a[1] == "tabindex" && (a[2] != "0" || m[2] != "pre" && m[2] != "table") {
					t.Fatalf("output has %s on <%s>; want tabindex only as 0 on pre and table", a[0], m[2])
				}
				if (a[1] == "href" || a[1] == "src") && !servableRE.MatchString(a[2]) {
					t.Fatalf("output links to %q, which the app cannot serve", a[2])
				}
				if a[1] == "src" && !strings.HasPrefix(a[2], "/") {
					t.Fatalf("output shows an image from %q, which the page's policy blocks", a[2])
				}
			}
		}
	})
}
