package main

// A tiny reader for the YAML of App Engine's deployment files, so that
// deploy_test.go needs no YAML library. It understands what those files use
// and nothing more: block mappings, block sequences (also at the indent of
// their key, as app.yaml writes them), "- key: value" items, the empty
// flow forms [] and {}, quoted and plain scalars, and # comments. Every
// scalar is a string.

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

type yamlLine struct {
	n      int // line number, for errors
	indent int
	text   string
}

// parseYAML reads src into nested map[string]any, []any and string values.
func parseYAML(src string) (any, error) {
	var lines []yamlLine
	n := 0
	for raw := range strings.Lines(src) {
		n++
		raw = strings.TrimRight(stripComment(raw), " \t\r\n")
		text := strings.TrimLeft(raw, " ")
		if text == "" {
			continue
		}
		if strings.HasPrefix(text, "\t") {
			return nil, fmt.Errorf("line %d: tab in indentation", n)
		}
		lines = append(lines, yamlLine{n: n, indent: len(raw) - len(text), text: text})
	}
	if len(lines) == 0 {
		return map[string]any{}, nil
	}
	v, next, err := parseBlock(lines, 0, lines[0].indent)
	if err == nil && next < len(lines) {
		err = fmt.Errorf("line %d: unexpected indentation", lines[next].n)
	}
	return v, err
}

func isItem(text string) bool { return text == "-" || strings.HasPrefix(text, "- ") }

// parseBlock reads the mapping or sequence whose lines start at lines[i]
// with the given indent, and returns it and the index of the first line
// after it.
func parseBlock(lines []yamlLine, i, indent int) (any, int, error) {
	if isItem(lines[i].text) {
		var seq []any
		for i < len(lines) && lines[i].indent == indent && isItem(lines[i].text) {
			rest := strings.TrimLeft(strings.TrimPrefix(lines[i].text, "-"), " ")
			switch {
			case rest == "":
				if i+1 >= len(lines) || lines[i+1].indent <= indent {
					seq, i = append(seq, ""), i+1
					continue
				}
				v, next, err := parseBlock(lines, i+1, lines[i+1].indent)
				if err != nil {
					return nil, 0, err
				}
				seq, i = append(seq, v), next
			case strings.Contains(rest, ": ") || strings.HasSuffix(rest, ":"):
				// "- key: value" opens a mapping indented to where key starts.
				inner := indent + len(lines[i].text) - len(rest)
				lines[i] = yamlLine{n: lines[i].n, indent: inner, text: rest}
				v, next, err := parseBlock(lines, i, inner)
				if err != nil {
					return nil, 0, err
				}
				seq, i = append(seq, v), next
			default:
				seq, i = append(seq, scalar(rest)), i+1
			}
		}
		return seq, i, nil
	}
	m := map[string]any{}
	for i < len(lines) && lines[i].indent == indent && !isItem(lines[i].text) {
		l := lines[i]
		key, rest, ok := strings.Cut(l.text, ":")
		if !ok || (rest != "" && !strings.HasPrefix(rest, " ")) {
			return nil, 0, fmt.Errorf("line %d: want \"key: value\", got %q", l.n, l.text)
		}
		key, rest = scalar(key).(string), strings.TrimSpace(rest)
		i++
		switch {
		case rest != "":
			m[key] = scalar(rest)
		case i < len(lines) && (lines[i].indent > indent || (lines[i].indent == indent && isItem(lines[i].text))):
			v, next, err := parseBlock(lines, i, lines[i].indent)
			if err != nil {
				return nil, 0, err
			}
			m[key], i = v, next
		default:
			m[key] = ""
		}
	}
	if i < len(lines) && lines[i].indent > indent {
		return nil, 0, fmt.Errorf("line %d: unexpected indentation", lines[i].n)
	}
	return m, i, nil
}

func scalar(s string) any {
	s = strings.TrimSpace(s)
	switch {
	case s == "[]":
		return []any{}
	case s == "{}":
		return map[string]any{}
	case len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0]:
		return s[1 : len(s)-1]
	}
	return s
}

// stripComment drops a # comment that starts a line or follows a space,
// outside quotes.
func stripComment(line string) string {
	var quote byte
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return line[:i]
		}
	}
	return line
}

func TestParseYAML(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want any
	}{
		{"scalars and comments", "runtime: go126 # comment\nname: \"a # b\"\n", map[string]any{"runtime": "go126", "name": "a # b"}},
		{"sequence at the key's indent", "handlers:\n- url: /.*\n  secure: always\n- url: /x\n", map[string]any{
			"handlers": []any{map[string]any{"url": "/.*", "secure": "always"}, map[string]any{"url": "/x"}}}},
		{"indented scalar sequence", "inbound_services:\n  - warmup\n", map[string]any{"inbound_services": []any{"warmup"}}},
		{"empty flow sequence", "indexes: []\n", map[string]any{"indexes": []any{}}},
		{"nested index", "indexes:\n- kind: Session\n  properties:\n  - name: a\n  - name: b\n    direction: desc\n", map[string]any{
			"indexes": []any{map[string]any{"kind": "Session", "properties": []any{
				map[string]any{"name": "a"}, map[string]any{"name": "b", "direction": "desc"}}}}}},
		{"commented-out block", "runtime: go126\n# env_variables:\n#   A: b\n", map[string]any{"runtime": "go126"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseYAML(tt.src)
			if err != nil {
				t.Fatalf("parseYAML: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}
