package exercise

import (
	"bytes"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// Page is an HTML answer, parsed as a browser would.
type Page struct {
	root *html.Node
}

func parsePage(b []byte) (*Page, error) {
	root, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return &Page{root: root}, nil
}

// page parses an answer that must be an HTML page.
func (a *Answer) page() (*Page, error) {
	if !strings.Contains(a.Header.Get("Content-Type"), "html") {
		return nil, missf("%s did not answer an HTML page (Content-Type %q)", a.Req, a.Header.Get("Content-Type"))
	}
	p, err := parsePage(a.Body)
	if err != nil {
		return nil, missf("%s answered HTML that does not parse: %v", a.Req, err)
	}
	return p, nil
}

// walk calls f for n and every node below it, in document order; f
// returning false skips what is below that node.
func walk(n *html.Node, f func(*html.Node) bool) {
	if !f(n) {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, class string) bool {
	v, _ := attr(n, "class")
	for _, c := range strings.Fields(v) {
		if c == class {
			return true
		}
	}
	return false
}

// isPanel reports whether n is the "What is in my session" panel, which
// shows every session value: a step that looks for what a page says must
// not count what the panel says.
func isPanel(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	labelled, _ := attr(n, "aria-labelledby")
	return hasClass(n, "panel") || labelled == "panel-title"
}

func (p *Page) byID(id string) *html.Node {
	var found *html.Node
	walk(p.root, func(n *html.Node) bool {
		if found != nil {
			return false
		}
		if v, ok := attr(n, "id"); ok && v == id && n.Type == html.ElementNode {
			found = n
		}
		return true
	})
	return found
}

// number returns the first whole number in the text of the element with
// that id.
func (p *Page) number(id string) (int, bool) {
	n := p.byID(id)
	if n == nil {
		return 0, false
	}
	m := numberRE.FindString(textOf(n))
	if m == "" {
		return 0, false
	}
	v, err := strconv.Atoi(m)
	return v, err == nil
}

var numberRE = regexp.MustCompile(`\d+`)

// blocks are the elements that start a new line of text.
var blocks = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "br": true, "button": true,
	"dd": true, "div": true, "dl": true, "dt": true, "fieldset": true, "figure": true, "footer": true,
	"form": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "header": true,
	"hr": true, "li": true, "main": true, "nav": true, "ol": true, "p": true, "pre": true, "section": true,
	"table": true, "td": true, "th": true, "tr": true, "ul": true,
}

// text returns the text of n as a reader sees it, a line per block, leaving
// out what is not shown (head, scripts) and, with noPanel, the session
// panel.
func text(n *html.Node, noPanel bool) string {
	var b strings.Builder
	var f func(*html.Node)
	f = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.Data {
			case "head", "script", "style", "template", "title":
				return
			}
			if noPanel && isPanel(n) {
				return
			}
		}
		block := n.Type == html.ElementNode && blocks[n.Data]
		if block {
			b.WriteString("\n")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			f(c)
		}
		if block {
			b.WriteString("\n")
		}
	}
	f(n)
	var lines []string
	for _, l := range strings.Split(b.String(), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

func textOf(n *html.Node) string { return strings.ReplaceAll(text(n, false), "\n", " ") }

// Text is what the page says, outside the session panel.
func (p *Page) Text() string { return text(p.root, true) }

// AllText is what the page says, the session panel included.
func (p *Page) AllText() string { return text(p.root, false) }

// PanelValues returns what the session panel shows the server holds, key
// by key (from its table of keys and values).
func (p *Page) PanelValues() map[string]string {
	values := map[string]string{}
	walk(p.root, func(n *html.Node) bool {
		if !isPanel(n) {
			return true
		}
		walk(n, func(tr *html.Node) bool {
			if tr.Type != html.ElementNode || tr.Data != "tr" {
				return true
			}
			var cells []string
			for c := tr.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && c.Data == "td" {
					cells = append(cells, textOf(c))
				}
			}
			if len(cells) == 2 {
				values[cells[0]] = cells[1]
			}
			return false
		})
		return false
	})
	return values
}

// hasElement reports whether the page has, outside the panel, an element
// tag whose text is text: HTML that came out as HTML.
func (p *Page) hasElement(tag, text string) bool {
	found := false
	walk(p.root, func(n *html.Node) bool {
		if found || isPanel(n) {
			return false
		}
		if n.Type == html.ElementNode && n.Data == tag && textOf(n) == text {
			found = true
		}
		return true
	})
	return found
}

// Form is a form of a page, as a browser would send it.
type Form struct {
	Method string // "post" or "get"
	Action string // the path it is sent to, resolved against the page
	Fields []Field
}

// Field is one named control of a form.
type Field struct {
	Name, Type, Value string
}

// Forms returns the page's forms; the page is at path.
func (p *Page) Forms(path string) []Form {
	base, _ := url.Parse(path)
	var forms []Form
	walk(p.root, func(n *html.Node) bool {
		if n.Type != html.ElementNode || n.Data != "form" {
			return true
		}
		f := Form{Method: "get", Action: base.Path}
		if m, ok := attr(n, "method"); ok {
			f.Method = strings.ToLower(strings.TrimSpace(m))
		}
		if a, ok := attr(n, "action"); ok && strings.TrimSpace(a) != "" {
			if u, err := base.Parse(strings.TrimSpace(a)); err == nil {
				f.Action = u.RequestURI()
			}
		}
		walk(n, func(c *html.Node) bool {
			if c.Type != html.ElementNode {
				return true
			}
			switch c.Data {
			case "input", "textarea", "select":
				name, ok := attr(c, "name")
				if !ok || name == "" {
					return true
				}
				typ, _ := attr(c, "type")
				val, _ := attr(c, "value")
				if c.Data == "textarea" {
					typ, val = "textarea", textOf(c)
				}
				f.Fields = append(f.Fields, Field{Name: name, Type: strings.ToLower(typ), Value: val})
			}
			return true
		})
		forms = append(forms, f)
		return false
	})
	return forms
}

// values is what the form sends, as a browser fills it in: each field with
// its value, except buttons and unticked boxes, and the fields in fill
// set to the values given.
func (f Form) values(fill map[string]string) url.Values {
	v := url.Values{}
	for _, fd := range f.Fields {
		switch fd.Type {
		case "submit", "button", "reset", "image", "checkbox", "radio", "file":
			continue
		}
		if s, ok := fill[fd.Name]; ok {
			v.Set(fd.Name, s)
			continue
		}
		v.Set(fd.Name, fd.Value)
	}
	return v
}
