// Package markdown renders the app's Markdown pages (docs/lesson.md) to HTML
// with goldmark, so that a page reads as it does on GitHub: GitHub's tables
// and strikethrough, and headings with GitHub's ids, so that links written
// for GitHub (#1-every-request-starts-from-nothing) work on the page too.
//
// Its limits are those of a page served under a strict Content-Security-
// Policy from a binary that holds no repository: raw HTML in the source is
// shown as text, never passed through; links go only to what the app can
// serve (anchors, its own paths, http and https), and a link to another
// file of the repository becomes a note naming the file; images show only
// from the app's own paths. Table column alignment is not rendered: goldmark
// writes it as a style attribute, which the policy blocks, or as align,
// which HTML5 dropped. Relative links are read as relative to docs/, where
// the app's pages live.
package markdown

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Doc is a Markdown document rendered to HTML.
type Doc struct {
	// Title is the plain text of the first level-1 heading, or "" if there
	// is none.
	Title string
	// Body is the document as HTML; every piece of source text in it is
	// escaped.
	Body template.HTML
}

// converter is built once: a goldmark.Markdown holds only configuration and
// is safe for concurrent use. No parser.WithAutoHeadingID: goldmark's ids
// are not GitHub's, so Render sets the ids itself. No html.WithUnsafe: the
// renderers of rawHTMLText replace goldmark's for raw HTML.
var converter = goldmark.New(
	goldmark.WithExtensions(
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone)),
		extension.Strikethrough,
	),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(
		// Below html's 1000, so these win over goldmark's own renderers.
		util.Prioritized(rawHTMLText{}, 100),
		util.Prioritized(sourceNoteHTML{}, 100),
	)),
)

// Render renders src, CommonMark with GitHub's tables and strikethrough.
// It fails only if goldmark does, which it does not when writing to memory;
// whatever src holds, Render returns a Doc whose Body is safe to serve.
func Render(src []byte) (Doc, error) {
	doc := converter.Parser().Parse(text.NewReader(src))
	title := rewrite(doc, src)
	var b bytes.Buffer
	if err := converter.Renderer().Render(&b, src, doc); err != nil {
		return Doc{}, fmt.Errorf("markdown: render: %w", err)
	}
	// A code line wider than the screen makes its block scroll sideways, and
	// a scrolling region must be reachable with the keyboard (WCAG 2.1.1;
	// axe-core's rule scrollable-region-focusable), as tables are (see
	// rewrite). goldmark writes every code block as <pre><code and has no
	// option for an attribute there; since every < of the source is escaped
	// in the output (FuzzRender), each <pre> in it is a code block's.
	body := strings.ReplaceAll(b.String(), "<pre><code", `<pre tabindex="0"><code`)
	return Doc{Title: title, Body: template.HTML(body)}, nil
}
