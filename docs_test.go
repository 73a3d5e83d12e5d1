package main

import (
	goast "go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// The commands the docs give run something: each `go test` names packages
// that exist and -run and -bench patterns that match tests in them (a
// pattern that matches nothing passes with "no tests to run", having run
// nothing), and each `make TARGET` names a target of the Makefile.
func TestDocs_commandsRunSomething(t *testing.T) {
	docs, _ := filepath.Glob("docs/*.md")
	docs = append(docs, "README.md")
	targets := makeTargets(t)
	tests := map[string][]string{} // package folder → its test functions
	for _, doc := range docs {
		for _, cmd := range docCommands(t, doc) {
			words := shellWords(cmd)
			switch {
			case len(words) >= 2 && words[0] == "make" && !strings.Contains(words[1], "="):
				if !targets[words[1]] {
					t.Errorf("%s: %q: the Makefile has no target %s", doc, cmd, words[1])
				}
			case len(words) >= 2 && words[0] == "go" && words[1] == "test":
				checkGoTest(t, doc, cmd, words[2:], tests)
			}
		}
	}
}

// checkGoTest checks one go test command's packages and patterns.
func checkGoTest(t *testing.T, doc, cmd string, args []string, tests map[string][]string) {
	t.Helper()
	valued := map[string]bool{"run": true, "bench": true, "benchtime": true, "count": true, "timeout": true,
		"tags": true, "fuzz": true, "fuzztime": true, "cpu": true, "parallel": true, "o": true, "coverprofile": true, "skip": true}
	flags := map[string]string{}
	var pkgs []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-args" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case !strings.HasPrefix(a, "-"):
			pkgs = append(pkgs, a)
		case hasValue:
			flags[name] = value
		case valued[name] && i+1 < len(args):
			flags[name] = args[i+1]
			i++
		}
	}
	var dirs []string
	for _, p := range pkgs {
		p = strings.TrimPrefix(p, "github.com/gae-lessons/sessions-go")
		p = strings.TrimPrefix(strings.TrimPrefix(p, "/"), "./")
		if p == "..." {
			dirs = append(dirs, testDirs(t)...)
			continue
		}
		if p == "" {
			p = "."
		}
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			t.Errorf("%s: %q: there is no package %s", doc, cmd, p)
			continue
		}
		dirs = append(dirs, p)
	}
	for _, f := range []struct{ flag, prefix string }{{"run", "Test|Example|Fuzz"}, {"bench", "Benchmark"}} {
		pattern, ok := flags[f.flag]
		if !ok || pattern == "^$" || len(dirs) == 0 {
			continue
		}
		// go test matches the first element of a pattern (before a
		// slash outside brackets) against the top-level functions.
		first := splitPattern(pattern)[0]
		re, err := regexp.Compile(first)
		if err != nil {
			t.Errorf("%s: %q: -%s %q: %v", doc, cmd, f.flag, pattern, err)
			continue
		}
		kind := regexp.MustCompile("^(" + f.prefix + ")")
		matched := false
		for _, d := range dirs {
			if _, ok := tests[d]; !ok {
				tests[d] = testFuncs(t, d)
			}
			for _, name := range tests[d] {
				if kind.MatchString(name) && re.MatchString(name) {
					matched = true
				}
			}
		}
		if !matched {
			t.Errorf("%s: %q: -%s %q matches no test in %v", doc, cmd, f.flag, pattern, pkgs)
		}
	}
}

// splitPattern splits a -run or -bench pattern at its slashes outside
// brackets and parentheses, as go test does.
func splitPattern(p string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range p {
		switch r {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case '/':
			if depth == 0 {
				out = append(out, p[start:i])
				start = i + 1
			}
		}
	}
	return append(out, p[start:])
}

// docCommands returns the commands of a Markdown file, as goldmark (which
// renders the lesson) reads it: each line of its fenced code blocks, and
// each inline code span that starts with go or make; a line's trailing
// "# comment" dropped, pipelines and && split, and a line that starts with
// cd left out.
func docCommands(t *testing.T, path string) []string {
	t.Helper()
	src := []byte(readFile(t, path))
	var lines []string
	_ = ast.Walk(goldmark.DefaultParser().Parse(text.NewReader(src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.FencedCodeBlock:
			lines = append(lines, strings.Split(string(n.Lines().Value(src)), "\n")...)
		case *ast.CodeSpan:
			var span strings.Builder
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				span.Write(c.(*ast.Text).Segment.Value(src))
			}
			// A span may run over a line break, which reads as a space.
			if s := strings.ReplaceAll(span.String(), "\n", " "); strings.HasPrefix(s, "go ") || strings.HasPrefix(s, "make ") {
				lines = append(lines, s)
			}
		}
		return ast.WalkContinue, nil
	})
	var cmds []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "cd ") {
			continue // it runs in another tree (an earlier commit's, say)
		}
		if i := strings.Index(l, " #"); i >= 0 {
			l = l[:i]
		}
		for _, part := range regexp.MustCompile(`\|\|?|&&|;`).Split(l, -1) {
			if part = strings.TrimSpace(part); part != "" {
				cmds = append(cmds, part)
			}
		}
	}
	return cmds
}

// shellWords splits a command into words as a shell would, for the quoting
// the docs use: single and double quotes; a leading VAR=value is dropped.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	for len(words) > 0 && regexp.MustCompile(`^[A-Z_]+=`).MatchString(words[0]) {
		words = words[1:]
	}
	return words
}

var makeTarget = regexp.MustCompile(`^([a-z][a-z-]*):`)

// makeTargets returns the Makefile's targets.
func makeTargets(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if m := makeTarget.FindStringSubmatch(line); m != nil {
			targets[m[1]] = true
		}
	}
	return targets
}

// testFuncs returns the test, benchmark, example and fuzz functions of the
// package in dir, whatever their files' build constraints.
func testFuncs(t *testing.T, dir string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	var names []string
	for _, f := range files {
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			if fn, ok := d.(*goast.FuncDecl); ok && fn.Recv == nil {
				names = append(names, fn.Name.Name)
			}
		}
	}
	return names
}

// testDirs returns every folder with tests, for ./...
func testDirs(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	var dirs []string
	filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, "_test.go") && !seen[filepath.Dir(path)] {
			seen[filepath.Dir(path)] = true
			dirs = append(dirs, filepath.Dir(path))
		}
		return nil
	})
	return dirs
}
