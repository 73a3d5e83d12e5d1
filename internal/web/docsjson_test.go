package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every JSON answer the docs show has the shape of an answer the app gives:
// the same keys, nested alike, each value of the same kind (the values
// themselves vary). The answers are every JSON route's sample request, in
// the table's order, plus the states the samples do not reach: a game won
// by following the hints, and an error.
func TestDocs_jsonSamplesAreAnswers(t *testing.T) {
	v := newVisitor(t, newApp(t))
	var answers []any
	ask := func(method, path string, form url.Values, header http.Header) map[string]any {
		t.Helper()
		a := v.sendWith(method, path, form, true, header)
		var got map[string]any
		if a.err != nil || json.Unmarshal([]byte(a.body), &got) != nil {
			t.Fatalf("%s %s: %v, %q: want a JSON answer", method, path, a.err, a.body)
		}
		answers = append(answers, got)
		return got
	}
	for _, rt := range routes {
		if rt.answers == pagesJSON {
			req := sample(t, rt)
			req.ready(v)
			ask(rt.method(), req.path, req.form, req.header)
		}
	}
	ask("POST", "/mastermind/new", url.Values{}, nil)
	for range 7 {
		hint := ask("GET", "/mastermind/hint", nil, nil)
		guess, _ := hint["guess"].(string)
		if game := ask("POST", "/mastermind/guess", url.Values{"guess": {guess}}, nil); game["status"] == "won" {
			break
		}
	}
	ask("POST", "/mastermind/guess", url.Values{"guess": {"1a22"}}, nil)

	docs, _ := filepath.Glob("../../docs/*.md")
	docs = append(docs, "../../README.md")
	checked := 0
	for _, doc := range docs {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, sample := range jsonSamples(string(b)) {
			var s any
			if json.Unmarshal([]byte(sample.normal), &s) != nil {
				continue // not JSON: Go code, or prose in braces
			}
			if m, ok := s.(map[string]any); !ok || m["keys"] != nil {
				continue // a request's body, not an answer (deploy.md's lookup)
			}
			checked++
			matched := false
			for _, a := range answers {
				matched = matched || sameShape(s, a)
			}
			if !matched {
				t.Errorf("%s: %s is no answer of the app's: its keys or their kinds differ from every answer", filepath.Base(doc), sample.text)
			}
		}
	}
	if checked < 20 {
		t.Errorf("checked %d JSON samples in the docs; the docs hold more than 20", checked)
	}
}

// A jsonSample is a JSON object of the docs as written (text), and made
// JSON (normal): an ellipsis left out, a placeholder N or M a number.
type jsonSample struct{ text, normal string }

var (
	jsonInline   = regexp.MustCompile("`(\\{\"[^`]*\\})`")
	ellipsis     = regexp.MustCompile(`…,|,…|…|\.\.\.,|,\.\.\.`)
	placeholders = regexp.MustCompile(`(:\s*)[A-Z]\b`)
)

// jsonSamples returns the JSON objects of a Markdown text: lines of its
// code blocks that start with {, and inline code that does.
func jsonSamples(md string) []jsonSample {
	var texts []string
	fenced := false
	for _, line := range strings.Split(md, "\n") {
		trim := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trim, "```"):
			fenced = !fenced
		case fenced && strings.HasPrefix(trim, "{\""):
			texts = append(texts, trim)
		case !fenced:
			for _, m := range jsonInline.FindAllStringSubmatch(line, -1) {
				texts = append(texts, m[1])
			}
		}
	}
	out := make([]jsonSample, len(texts))
	for i, text := range texts {
		normal := strings.ReplaceAll(text, `"..."`, `""`)
		normal = placeholders.ReplaceAllString(ellipsis.ReplaceAllString(normal, ""), "${1}0")
		out[i] = jsonSample{text, normal}
	}
	return out
}

// sameShape reports whether doc and answer have the same keys, nested
// alike, with values of the same kinds; an empty array matches any array.
func sameShape(doc, answer any) bool {
	switch d := doc.(type) {
	case map[string]any:
		a, ok := answer.(map[string]any)
		if !ok || len(a) != len(d) {
			return false
		}
		for k, v := range d {
			if av, ok := a[k]; !ok || !sameShape(v, av) {
				return false
			}
		}
		return true
	case []any:
		a, ok := answer.([]any)
		if !ok {
			return false
		}
		if len(d) == 0 || len(a) == 0 {
			return true
		}
		for _, v := range d {
			if !sameShape(v, a[0]) {
				return false
			}
		}
		return true
	case float64:
		_, ok := answer.(float64)
		return ok
	case string:
		_, ok := answer.(string)
		return ok
	case bool:
		_, ok := answer.(bool)
		return ok
	}
	return doc == answer
}
