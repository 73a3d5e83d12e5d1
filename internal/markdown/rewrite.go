package markdown

// The tree goldmark parsed, made into the page: GitHub's heading ids,
// links only to what the app serves, and tables reachable with the keyboard.

import (
	"bufio"
	"html"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// rewrite gives the headings of doc their ids, rewrites its links and puts
// its tables in the tab order, and returns the title: the text of the
// first level-1 heading.
func rewrite(doc ast.Node, src []byte) (title string) {
	// Collected first and changed after, because ast.Walk cannot go on
	// past a node that has been replaced.
	var headings []*ast.Heading
	var links []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n := n.(type) {
			case *ast.Heading:
				headings = append(headings, n)
			case *ast.Link, *ast.Image, *ast.AutoLink:
				links = append(links, n)
			case *extast.Table:
				// The stylesheet lets a wide table scroll sideways, as a
				// code block does (see Render), so it too must be
				// reachable with the keyboard. goldmark's table renderer
				// writes the attribute.
				n.SetAttributeString("tabindex", []byte("0"))
			}
		}
		return ast.WalkContinue, nil
	})
	seen := map[string]int{}
	for _, h := range headings {
		text := plainText(h, src)
		if h.Level == 1 && title == "" {
			title = text
		}
		if id := slug(text, seen); id != "" {
			h.SetAttributeString("id", []byte(id))
		}
	}
	for _, n := range links {
		rewriteLink(n, src)
	}
	return title
}

// slug makes a heading's id from its text the way GitHub does: lower case,
// punctuation dropped, spaces to hyphens, and -1, -2… for a text seen
// before. seen counts the texts so far.
func slug(text string, seen map[string]int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(text) {
		switch {
		case unicode.In(r, unicode.L, unicode.M, unicode.N) || r == '_' || r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	s := b.String()
	n := seen[s]
	seen[s]++
	if n > 0 {
		s += "-" + strconv.Itoa(n)
	}
	return s
}

// rewriteLink leaves a link to what the app serves as it is. A link to
// another file of the repository becomes a sourceNote; any other link (a
// script, mail, another host, nowhere) becomes its text. Images show only from
// the app's own paths: the Content-Security-Policy allows no other.
func rewriteLink(n ast.Node, src []byte) {
	var dest string
	switch n := n.(type) {
	case *ast.AutoLink:
		if n.AutoLinkType != ast.AutoLinkURL || !servable(string(n.URL(src))) {
			label := ast.NewString(n.Label(src))
			label.SetRaw(true) // an autolink's text has no escapes to resolve
			n.Parent().ReplaceChild(n.Parent(), n, label)
		}
		return
	case *ast.Link:
		dest = resolve(n.Destination)
		if servable(dest) {
			return
		}
	case *ast.Image:
		dest = resolve(n.Destination)
		if servable(dest) && strings.HasPrefix(dest, "/") {
			return
		}
	}
	if u, err := url.Parse(dest); err != nil || u.Scheme != "" || strings.HasPrefix(dest, "//") || dest == "" {
		unwrap(n)
		return
	}
	file, _, _ := strings.Cut(dest, "#")
	note := &sourceNote{File: path.Join("docs", file)} // the pages live in docs/
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		note.AppendChild(note, c)
		c = next
	}
	note.Named = strings.TrimSuffix(plainText(note, src), "/") == note.File
	n.Parent().ReplaceChild(n.Parent(), n, note)
}

// servable reports whether dest is a link the app can serve: an anchor in
// the page, a path of the app (not //host or /\host, which browsers read
// as another host), or a web link.
func servable(dest string) bool {
	lower := strings.ToLower(dest)
	return strings.HasPrefix(dest, "#") ||
		strings.HasPrefix(dest, "/") && !strings.HasPrefix(dest, "//") && !strings.HasPrefix(dest, `/\`) ||
		strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")
}

// resolve is a link destination as goldmark's renderer reads it: backslash
// escapes and character references resolved.
func resolve(dest []byte) string {
	return string(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(dest))))
}

// unwrap puts n's children in its place.
func unwrap(n ast.Node) {
	parent := n.Parent()
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

// plainText is the text that n shows, as GitHub reads it for an id: the
// text of its inline nodes with escapes and character references resolved
// and no markup. Raw HTML counts as text, since the page shows it as text.
func plainText(n ast.Node, src []byte) string {
	// goldmark's own writer resolves escapes and references exactly as the
	// renderer will; its output, escaped HTML, is then unescaped once.
	var b strings.Builder
	w := bufio.NewWriter(&b)
	wr := gmhtml.DefaultWriter
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			if n.IsRaw() {
				wr.RawWrite(w, n.Value(src))
			} else {
				wr.Write(w, n.Value(src))
			}
			if n.SoftLineBreak() || n.HardLineBreak() {
				_ = w.WriteByte('\n')
			}
		case *ast.String:
			if n.IsRaw() || n.IsCode() {
				wr.RawWrite(w, n.Value)
			} else {
				wr.Write(w, n.Value)
			}
		case *ast.CodeSpan:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					wr.RawWrite(w, []byte(strings.ReplaceAll(string(t.Value(src)), "\n", " ")))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			wr.RawWrite(w, n.Segments.Value(src))
		case *ast.AutoLink:
			wr.RawWrite(w, n.Label(src))
		}
		return ast.WalkContinue, nil
	})
	_ = w.Flush()
	return html.UnescapeString(b.String())
}
