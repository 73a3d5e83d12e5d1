package web

// A small Markdown renderer for the lesson page: the subset of GitHub's
// Markdown that docs/lesson.md uses, so the app needs no dependency for one
// page. Source text reaches the output only through html.EscapeString; raw
// HTML in the source is shown as text, never passed through.

import (
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// markdownDoc is a Markdown document rendered to HTML.
type markdownDoc struct {
	// Title is the plain text of the first level-1 heading.
	Title string
	// Body is the document; every piece of source text in it is escaped.
	Body template.HTML
}

var (
	headingRE  = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	fenceRE    = regexp.MustCompile("^ {0,3}(```+|~~~+)[ \t]*([^`\\s]*)")
	listRE     = regexp.MustCompile(`^( {0,3})([-*+]|(\d{1,9})[.)])(?:[ \t]+|$)`)
	delimRowRE = regexp.MustCompile(`^ *\|?(?: *:?-+:? *\|)* *:?-+:? *\|? *$`)
)

// renderMarkdown renders src: ATX headings with GitHub's ids, paragraphs,
// fenced code, lists and pipe tables; inline code, strong, emphasis and
// links. Block quotes, rules, HTML and indented code are not in the lesson,
// so they come out as plain paragraphs.
func renderMarkdown(src string) markdownDoc {
	md := &mdRenderer{ids: map[string]int{}}
	md.blocks(strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n"), false)
	return markdownDoc{Title: md.title, Body: template.HTML(md.out.String())}
}

type mdRenderer struct {
	out   strings.Builder
	ids   map[string]int // heading ids given so far, for GitHub's -1, -2 suffixes
	title string
}

// blocks renders lines as a sequence of blocks. In a tight list item,
// paragraphs are written without <p>, as GitHub does.
func (md *mdRenderer) blocks(lines []string, tight bool) {
	for i := 0; i < len(lines); {
		line := lines[i]
		switch {
		case strings.TrimSpace(line) == "":
			i++
		case fenceRE.MatchString(line):
			i = md.fence(lines, i)
		case headingRE.MatchString(line):
			md.heading(headingRE.FindStringSubmatch(line))
			i++
		case i+1 < len(lines) && strings.Contains(line, "|") && strings.Contains(lines[i+1], "|") && delimRowRE.MatchString(lines[i+1]):
			i = md.table(lines, i)
		case listRE.MatchString(line):
			i = md.list(lines, i)
		default:
			var text []string
			for ; i < len(lines) && strings.TrimSpace(lines[i]) != "" && (len(text) == 0 || !interrupts(lines[i])); i++ {
				text = append(text, strings.TrimSpace(lines[i]))
			}
			if tight {
				md.out.WriteString(inline(strings.Join(text, "\n")) + "\n")
			} else {
				md.out.WriteString("<p>" + inline(strings.Join(text, "\n")) + "</p>\n")
			}
		}
	}
}

// interrupts reports whether line ends a paragraph without a blank line
// before it (CommonMark: only a list starting at 1 may interrupt one).
func interrupts(line string) bool {
	if m := listRE.FindStringSubmatch(line); m != nil {
		return (m[3] == "" || m[3] == "1") && strings.TrimSpace(line[len(m[0]):]) != ""
	}
	return fenceRE.MatchString(line) || headingRE.MatchString(line)
}

func (md *mdRenderer) heading(m []string) {
	body := inline(m[2])
	text := plainText(body)
	if m[1] == "#" && md.title == "" {
		md.title = text
	}
	fmt.Fprintf(&md.out, "<h%d id=\"%s\">%s</h%[1]d>\n", len(m[1]), html.EscapeString(md.slug(text)), body)
}

// slug makes a heading's id the way GitHub does, so that links written for
// GitHub (#1-every-request-starts-from-nothing) work here too: lower case,
// punctuation dropped, spaces to hyphens, -1, -2… for repeats.
func (md *mdRenderer) slug(text string) string {
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
	n := md.ids[s]
	md.ids[s]++
	if n > 0 {
		s += "-" + strconv.Itoa(n)
	}
	return s
}

func (md *mdRenderer) fence(lines []string, i int) int {
	m := fenceRE.FindStringSubmatch(lines[i])
	indent := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
	var code []string
	for i++; i < len(lines); i++ {
		if t := strings.TrimSpace(lines[i]); len(t) >= len(m[1]) && strings.Trim(t, m[1][:1]) == "" {
			i++
			break
		}
		code = append(code, trimIndent(lines[i], indent))
	}
	class := ""
	if m[2] != "" {
		class = ` class="language-` + html.EscapeString(m[2]) + `"`
	}
	md.out.WriteString("<pre><code" + class + ">" + html.EscapeString(strings.Join(code, "\n")) + "</code></pre>\n")
	return i
}

func (md *mdRenderer) table(lines []string, i int) int {
	// Every row is padded or cut to the header's width, as GitHub does.
	// Column alignment (:---:) is not rendered: the lesson has none.
	width := len(cells(lines[i]))
	row := func(line, tag string) {
		c := append(cells(line), make([]string, width)...)
		md.out.WriteString("<tr>")
		for _, text := range c[:width] {
			fmt.Fprintf(&md.out, "<%s>%s</%[1]s>", tag, inline(text))
		}
		md.out.WriteString("</tr>\n")
	}
	md.out.WriteString("<table>\n<thead>\n")
	row(lines[i], "th")
	md.out.WriteString("</thead>\n<tbody>\n")
	for i += 2; i < len(lines) && strings.Contains(lines[i], "|") && !interrupts(lines[i]); i++ {
		row(lines[i], "td")
	}
	md.out.WriteString("</tbody>\n</table>\n")
	return i
}

// cells splits a table row on its pipes. (Escaped pipes, \|, are not
// supported: the lesson has none.)
func cells(line string) []string {
	c := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
	for j := range c {
		c[j] = strings.TrimSpace(c[j])
	}
	return c
}

// list renders a bullet or numbered list. An item holds the lines indented
// at least as far as its text (code blocks, nested lists) and the lazy
// continuation lines of its paragraph. A blank line between items or
// inside one makes the list loose: its paragraphs get <p>.
func (md *mdRenderer) list(lines []string, i int) int {
	first := listRE.FindStringSubmatch(lines[i])
	marker := func(m []string) string { return m[2][len(m[2])-1:] } // - * + or . )
	var items [][]string
	indent, loose, blank := 0, false, false
scan:
	for ; i < len(lines); i++ {
		line := lines[i]
		m := listRE.FindStringSubmatch(line)
		switch {
		case strings.TrimSpace(line) == "":
			blank = true
			items[len(items)-1] = append(items[len(items)-1], "")
			continue
		case len(line)-len(strings.TrimLeft(line, " ")) >= indent && len(items) > 0:
			items[len(items)-1] = append(items[len(items)-1], line[indent:])
		case m != nil && marker(m) == marker(first):
			w := len(m[1]) + len(m[2])
			indent = w + 1 // an empty item, or text set off by 5+ spaces
			if sp := len(m[0]) - w; sp >= 1 && sp <= 4 {
				indent = w + sp
			}
			items = append(items, []string{trimIndent(line[w:], indent-w)})
		case !blank && !interrupts(line):
			items[len(items)-1] = append(items[len(items)-1], line)
		default:
			break scan
		}
		loose = loose || blank
		blank = false
	}
	tag, start := "ul", ""
	if first[3] != "" {
		tag = "ol"
		if n, _ := strconv.Atoi(first[3]); n != 1 {
			start = fmt.Sprintf(` start="%d"`, n)
		}
	}
	md.out.WriteString("<" + tag + start + ">\n")
	for _, item := range items {
		md.out.WriteString("<li>")
		md.blocks(item, !loose)
		md.out.WriteString("</li>\n")
	}
	md.out.WriteString("</" + tag + ">\n")
	return i
}

// trimIndent removes up to n leading spaces.
func trimIndent(s string, n int) string {
	for n > 0 && strings.HasPrefix(s, " ") {
		s, n = s[1:], n-1
	}
	return s
}
