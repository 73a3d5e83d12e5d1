package web

// Inline Markdown: what a paragraph, heading or table cell may hold.

import (
	"html"
	"net/url"
	"path"
	"strings"
	"unicode"
)

const asciiPunct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// inline renders the text of a paragraph, heading or table cell: code
// spans, links, strong and emphasis with *, backslash escapes. Everything
// else is escaped text.
func inline(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && strings.IndexByte(asciiPunct, s[i+1]) >= 0:
			b.WriteString(html.EscapeString(s[i+1 : i+2]))
			i += 2
			continue
		case c == '`':
			n := runLen(s, i, '`')
			if end, code, ok := codeSpan(s, i); ok {
				b.WriteString("<code>" + html.EscapeString(code) + "</code>")
				i = end
			} else {
				b.WriteString(s[i : i+n])
				i += n
			}
			continue
		case c == '[':
			if end, text, target, ok := link(s, i); ok {
				b.WriteString(renderLink(inline(text), target))
				i = end
				continue
			}
		case c == '*':
			n, tag := min(runLen(s, i, '*'), 2), "em"
			if n == 2 {
				tag = "strong"
			}
			if end := closeEmphasis(s, i, n); end > 0 {
				b.WriteString("<" + tag + ">" + inline(s[i+n:end]) + "</" + tag + ">")
				i = end + n
			} else {
				b.WriteString(s[i : i+n])
				i += n
			}
			continue
		}
		j := i + 1
		for j < len(s) && !strings.ContainsRune("\\`[*", rune(s[j])) {
			j++
		}
		b.WriteString(html.EscapeString(s[i:j]))
		i = j
	}
	return b.String()
}

func runLen(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

// codeSpan finds the code span opening at s[i]: it ends at the next run of
// as many backticks. Line ends in it are spaces.
func codeSpan(s string, i int) (end int, code string, ok bool) {
	n := runLen(s, i, '`')
	for j := i + n; j < len(s); {
		if s[j] != '`' {
			j++
			continue
		}
		m := runLen(s, j, '`')
		if m == n {
			code = strings.ReplaceAll(s[i+n:j], "\n", " ")
			if len(code) > 2 && code[0] == ' ' && code[len(code)-1] == ' ' && strings.Trim(code, " ") != "" {
				code = code[1 : len(code)-1]
			}
			return j + m, code, true
		}
		j += m
	}
	return 0, "", false
}

// closeEmphasis returns where the emphasis opened by the n stars at s[i]
// closes, or -1. A star run of another length inside is skipped, so that
// *a **b** c* nests; code spans are skipped whole.
func closeEmphasis(s string, i, n int) int {
	if i+n >= len(s) || unicode.IsSpace(rune(s[i+n])) {
		return -1 // a star before a space is a star, not emphasis
	}
	for j := i + n; j < len(s); {
		switch {
		case s[j] == '\\':
			j += 2
		case s[j] == '`':
			if end, _, ok := codeSpan(s, j); ok {
				j = end
			} else {
				j += runLen(s, j, '`')
			}
		case s[j] == '*':
			m := runLen(s, j, '*')
			if m == n && !unicode.IsSpace(rune(s[j-1])) {
				return j
			}
			j += m
		default:
			j++
		}
	}
	return -1
}

// link parses [text](target) at s[i]. The target has no spaces; its
// parentheses must balance.
func link(s string, i int) (end int, text, target string, ok bool) {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '`':
			if e, _, ok := codeSpan(s, j); ok {
				j = e - 1
			}
		case '[':
			depth++
		case ']':
			if depth--; depth > 0 {
				continue
			}
			rest := s[j+1:]
			if !strings.HasPrefix(rest, "(") {
				return 0, "", "", false
			}
			for k, parens := 0, 0; k < len(rest) && rest[k] != ' ' && rest[k] != '\n'; k++ {
				if rest[k] == '(' {
					parens++
				} else if rest[k] == ')' {
					if parens--; parens == 0 {
						return j + 1 + k + 1, s[i+1 : j], rest[1:k], true
					}
				}
			}
			return 0, "", "", false
		}
	}
	return 0, "", "", false
}

// renderLink makes a link of what the app can serve: web links, paths of
// the app and anchors in the page. The lesson's links to other files of the
// repository (../stateless.go, deploy.md#…) would be broken here, so they
// become their text, naming the file when the text does not.
func renderLink(body, target string) string {
	lower := strings.ToLower(target)
	switch {
	case strings.HasPrefix(target, "#"),
		strings.HasPrefix(target, "/") && !strings.HasPrefix(target, "//") && !strings.HasPrefix(target, `/\`),
		strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"):
		return `<a href="` + html.EscapeString(target) + `">` + body + `</a>`
	}
	if u, err := url.Parse(target); err != nil || u.Scheme != "" {
		return body // javascript:, mailto: and the like: text only
	}
	file, _, _ := strings.Cut(target, "#")
	file = path.Join("docs", file) // the lesson lives in docs/
	title := ` title="` + html.EscapeString(file+" in the source") + `"`
	if strings.TrimSuffix(plainText(body), "/") == file {
		return `<span class="source"` + title + `>` + body + `</span>`
	}
	return `<span class="source"` + title + `>` + body + ` (<code>` + html.EscapeString(file) + `</code> in the source)</span>`
}

// plainText is the text of rendered inline HTML: tags dropped, entities
// decoded. The HTML is ours, so every < in it opens a tag.
func plainText(h string) string {
	var b strings.Builder
	inTag := false
	for _, r := range h {
		switch {
		case r == '<':
			inTag = true
		case r == '>' && inTag:
			inTag = false
		case !inTag:
			b.WriteRune(r)
		}
	}
	return html.UnescapeString(b.String())
}
