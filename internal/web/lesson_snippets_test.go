package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestLesson_goSnippetsAreTheCode keeps the Go of docs/lesson.md true by
// construction: each ```go block must appear, as written, in the .go file
// the lesson links to before it, so a change to the code that the lesson
// shows fails here until the lesson follows. It needs Go alone.
//
// The conventions, for whoever edits the lesson:
//
//   - A ```go block is checked against the nearest link to a .go file
//     before it, in the same section (a "## " heading starts a new one).
//   - Lines are compared without their leading tabs and trailing spaces,
//     and without the fence's own indentation (a block inside a list item
//     is indented as the item is). Nothing else is normalized.
//   - A line that is only "..." elides code: the pieces between such lines
//     must appear in the file, each as consecutive lines, in order.
//   - A block that is not the code of a file, such as what an exercise asks
//     you to write, is fenced ```go sketch and is not checked. A ```go block
//     with no link before it in its section is an error: mark it a sketch, or
//     link the file.
func TestLesson_goSnippetsAreTheCode(t *testing.T) {
	const lessonPath = "../../docs/lesson.md"
	lesson, err := os.ReadFile(lessonPath)
	if err != nil {
		t.Fatal(err)
	}
	snippets := goSnippets(string(lesson))
	if len(snippets) == 0 {
		t.Fatal("found no ```go block in the lesson; has the fence syntax changed?")
	}
	for _, sn := range snippets {
		if sn.sketch {
			continue
		}
		if sn.file == "" {
			t.Errorf("lesson.md:%d: a ```go block with no link to a .go file before it in its section; link the file or fence it ```go sketch", sn.line)
			continue
		}
		src, err := os.ReadFile(filepath.Join(filepath.Dir(lessonPath), sn.file))
		if err != nil {
			t.Errorf("lesson.md:%d: %v", sn.line, err)
			continue
		}
		if missing, ok := appearsIn(sn.lines, string(src)); !ok {
			t.Errorf("lesson.md:%d: the ```go block is not in %s as written; from this piece on:\n%s", sn.line, sn.file, strings.Join(missing, "\n"))
		}
	}
}

// snippet is one ```go block of the lesson.
type snippet struct {
	line   int      // of the opening fence, from 1
	file   string   // the .go file it is checked against, relative to docs/
	sketch bool     // fenced ```go sketch: not checked
	lines  []string // the block's lines, without the fence's indentation
}

var (
	goLink = regexp.MustCompile(`\]\(([^)\s#]+\.go)(#[^)]*)?\)`)
	fence  = regexp.MustCompile("^( *)```(.*)$")
)

// goSnippets returns the ```go blocks of a Markdown text, each with the
// nearest link to a .go file before it in its section.
func goSnippets(md string) []snippet {
	var out []snippet
	lines := strings.Split(md, "\n")
	file := ""
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if strings.HasPrefix(line, "## ") {
			file = ""
		}
		m := fence.FindStringSubmatch(line)
		if m == nil {
			if l := goLink.FindAllStringSubmatch(line, -1); l != nil {
				file = l[len(l)-1][1]
			}
			continue
		}
		indent, info := m[1], strings.Fields(m[2])
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			body = append(body, strings.TrimPrefix(lines[i], indent))
		}
		if len(info) == 0 || info[0] != "go" {
			continue
		}
		out = append(out, snippet{
			line:   i - len(body),
			file:   file,
			sketch: len(info) > 1 && info[1] == "sketch",
			lines:  body,
		})
	}
	return out
}

// appearsIn reports whether the pieces of a snippet, split at "..." lines,
// appear in src as consecutive lines, in order. When they do not, it
// returns the snippet's lines from the first piece not found.
func appearsIn(snippet []string, src string) ([]string, bool) {
	norm := func(s string) string { return strings.TrimRight(strings.TrimLeft(s, "\t"), " \t") }
	// Each line between newlines, so that a piece matches whole lines only.
	var file strings.Builder
	for _, l := range strings.Split(src, "\n") {
		file.WriteString("\n" + norm(l))
	}
	rest := file.String() + "\n" // what follows the last piece found
	for start := 0; start < len(snippet); {
		end := start
		var piece strings.Builder
		for ; end < len(snippet) && norm(snippet[end]) != "..."; end++ {
			piece.WriteString("\n" + norm(snippet[end]))
		}
		if piece.Len() > 0 {
			i := strings.Index(rest, piece.String()+"\n")
			if i < 0 {
				return snippet[start:], false
			}
			rest = rest[i+piece.Len():]
		}
		start = end + 1
	}
	return nil, true
}

func TestLesson_appearsIn(t *testing.T) {
	const src = "func f() {\n\ta := 1\n\tb := 2\n\treturn a + b\n}\n"
	tests := []struct {
		name    string
		snippet string
		want    bool
	}{
		{"whole", "func f() {\n\ta := 1\n\tb := 2\n\treturn a + b\n}", true},
		{"indented otherwise", "func f() {\n    a := 1  ", false},
		{"elided", "func f() {\n...\n\treturn a + b", true},
		{"pieces out of order", "\treturn a + b\n...\nfunc f() {", false},
		{"a changed line", "func f() {\n\ta := 2", false},
		{"lines not consecutive", "func f() {\n\tb := 2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := appearsIn(strings.Split(tt.snippet, "\n"), src); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
