package markdown

// Renderers that take the place of goldmark's for what the page must show
// differently: raw HTML, and notes naming files of the repository.

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// rawHTMLText renders raw HTML as the text it is. goldmark without
// html.WithUnsafe writes <!-- raw HTML omitted --> instead, which would
// drop from a lesson about web pages the <form> its author forgot to quote.
type rawHTMLText struct{}

func (rawHTMLText) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			gmhtml.DefaultWriter.RawWrite(w, n.(*ast.RawHTML).Segments.Value(src))
		}
		return ast.WalkSkipChildren, nil
	})
	// An HTML block is shown as a paragraph of its lines.
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		b := n.(*ast.HTMLBlock)
		text := b.Lines().Value(src)
		if b.HasClosure() {
			text = append(text, b.ClosureLine.Value(src)...)
		}
		_, _ = w.WriteString("<p>")
		gmhtml.DefaultWriter.RawWrite(w, bytes.TrimRight(text, "\r\n"))
		_, _ = w.WriteString("</p>\n")
		return ast.WalkSkipChildren, nil
	})
}

// sourceNote stands for a link to another file of the repository, which
// the app does not serve: its text, marked as naming a source file.
type sourceNote struct {
	ast.BaseInline
	// File is the file's path in the repository.
	File string
	// Named is whether the text is the path already, so need not repeat it.
	Named bool
}

var kindSourceNote = ast.NewNodeKind("SourceNote")

func (n *sourceNote) Kind() ast.NodeKind { return kindSourceNote }

func (n *sourceNote) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"File": n.File}, nil)
}

// sourceNoteHTML renders a sourceNote as
// <span class="source" title="docs/deploy.md in the source">deploy.md (<code>docs/deploy.md</code> in the source)</span>,
// without the part in parentheses when the text is the path.
type sourceNoteHTML struct{}

func (sourceNoteHTML) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindSourceNote, func(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		n := node.(*sourceNote)
		file := util.EscapeHTML([]byte(n.File))
		if entering {
			_, _ = w.WriteString(`<span class="source" title="`)
			_, _ = w.Write(file)
			_, _ = w.WriteString(` in the source">`)
			return ast.WalkContinue, nil
		}
		if !n.Named {
			_, _ = w.WriteString(` (<code>`)
			_, _ = w.Write(file)
			_, _ = w.WriteString(`</code> in the source)`)
		}
		_, _ = w.WriteString(`</span>`)
		return ast.WalkContinue, nil
	})
}
