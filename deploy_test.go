package main

// Deployment consistency: app.yaml, cron.yaml, index.yaml and .gcloudignore
// must agree with the code they deploy. A mismatch here only shows up after
// `gcloud app deploy` (a 404 cron, a query that needs a missing index, a
// test file or a local database uploaded), so it is caught here instead.

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/apptest"
	"github.com/gae-lessons/sessions-go/internal/dstest"
)

func TestAppYAML_runtimeMatchesGoMod(t *testing.T) {
	app := readYAMLFile[appYAML](t, "app.yaml")
	var goVersion string
	for line := range strings.Lines(readFile(t, "go.mod")) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "go "); ok {
			goVersion = strings.TrimSpace(v)
		}
	}
	parts := strings.Split(goVersion, ".")
	if len(parts) < 2 {
		t.Fatalf("go.mod: got go directive %q, want one like \"go 1.26.0\"", goVersion)
	}
	// App Engine names a runtime by major and minor version: go 1.26.x is go126.
	want := "go" + parts[0] + parts[1]
	if got := app.Runtime; got != want {
		t.Errorf("app.yaml: got runtime %q, want %q to match go.mod's go %s", got, want, goVersion)
	}
}

func TestAppYAML_handlersAreSecureAlways(t *testing.T) {
	app := readYAMLFile[appYAML](t, "app.yaml")
	if len(app.Handlers) == 0 {
		t.Fatal("app.yaml: no handlers; want at least one, each with secure: always")
	}
	for i, h := range app.Handlers {
		if got := h.Secure; got != "always" {
			t.Errorf("app.yaml handler %d (url %s): got secure %q, want always: the session cookie is Secure on App Engine, so plain HTTP would lose it", i+1, h.URL, got)
		}
	}
}

func TestAppYAML_warmupIsServed(t *testing.T) {
	app := readYAMLFile[appYAML](t, "app.yaml")
	if !slices.Contains(app.InboundServices, "warmup") {
		t.Errorf("app.yaml: got inbound_services %v, want it to contain warmup", app.InboundServices)
	}
	// internal/web's tests show what the route does.
	if got := allowed(t, "/_ah/warmup"); !slices.Contains(got, "GET") {
		t.Errorf("POST /_ah/warmup: got Allow %q, want it to include GET", got)
	}
}

// The cap on instances is the ceiling of docs/deploy.md's "What it can
// cost", whose figures are per instance: the guide must state the cap
// app.yaml sets. 0 would disable the cap, and 2147483647 is App Engine's
// "no limit".
func TestAppYAML_capsInstances(t *testing.T) {
	app := readYAMLFile[appYAML](t, "app.yaml")
	if app.AutomaticScaling == nil || app.AutomaticScaling.MaxInstances == nil {
		t.Fatal("app.yaml: no automatic_scaling.max_instances; want a cap, as docs/deploy.md's \"What it can cost\" says")
	}
	n := *app.AutomaticScaling.MaxInstances
	if n < 1 || n > 20 {
		t.Errorf("app.yaml: got max_instances %d, want a classroom-sized cap from 1 to 20 (0 disables it; 20 is App Engine's default)", n)
	}
	if want := fmt.Sprintf("`max_instances: %d`", n); !strings.Contains(readFile(t, "docs/deploy.md"), want) {
		t.Errorf("docs/deploy.md: does not say %s, the cap app.yaml sets: its cost figures are for that cap", want)
	}
}

// TestCronYAML_urlsAreServed checks that each job's URL is a task of the
// route table: GET is routed there, and a request without the header App
// Engine's cron adds is refused. internal/web's tests show what the task
// does.
func TestCronYAML_urlsAreServed(t *testing.T) {
	cron := readYAMLFile[cronYAML](t, "cron.yaml")
	if len(cron.Cron) == 0 {
		t.Fatal("cron.yaml: no jobs; want the daily cleanup of expired sessions")
	}
	for _, job := range cron.Cron {
		path, _, _ := strings.Cut(job.URL, "?")
		if job.Schedule == "" {
			t.Errorf("cron.yaml job %s: no schedule", job.URL)
		}
		// App Engine cron sends GET.
		if got := allowed(t, path); !slices.Contains(got, "GET") {
			t.Errorf("POST %s: got Allow %q, want it to include GET: App Engine cron sends GET", path, got)
		}
		if w := serve(t, "GET", job.URL); w.Code != http.StatusForbidden {
			t.Errorf("GET %s without X-Appengine-Cron: got status %d, want 403", job.URL, w.Code)
		}
	}
}

// serve answers a request with the app's handler, with the files main
// embeds, and no Datastore: none of these requests may reach it.
func serve(tb testing.TB, method, url string) *httptest.ResponseRecorder {
	tb.Helper()
	w := httptest.NewRecorder()
	h := apptest.Handler(tb, apptest.Config(dstest.Namespace(tb)), nil, assets)
	h.ServeHTTP(w, httptest.NewRequest(method, url, nil))
	return w
}

// allowed returns the Allow header of a POST to path: the methods the
// server routes there. 405 is decided by the mux.
func allowed(tb testing.TB, path string) []string {
	tb.Helper()
	w := serve(tb, "POST", path)
	if w.Code != http.StatusMethodNotAllowed {
		tb.Fatalf("POST %s: got status %d, want 405 for a GET-only route (404 means no route)", path, w.Code)
	}
	var methods []string
	for m := range strings.SplitSeq(w.Header().Get("Allow"), ",") {
		methods = append(methods, strings.TrimSpace(m))
	}
	return methods
}

// TestIndexYAML_coversQueries checks every Datastore query of the sources
// the app's build reads. A query on one property, filtered or ordered on in
// either direction, is served by the single-property indexes Datastore
// builds itself; one on more needs a composite index in index.yaml with the
// same properties. Queries must be written as one chain from
// datastore.NewQuery, so that this test sees all of each query. index.yaml
// must say which composite indexes exist, `indexes: []` when there are
// none: a bare `indexes:` reads as no list at all.
func TestIndexYAML_coversQueries(t *testing.T) {
	t.Parallel()
	idx := readYAMLFile[indexYAML](t, "index.yaml")
	if idx.Indexes == nil {
		t.Error("index.yaml: no indexes list; want one, indexes: [] when no query needs a composite index")
	}
	var composite [][]string // property names of each index in index.yaml
	for _, i := range idx.Indexes {
		var names []string
		for _, p := range i.Properties {
			names = append(names, p.Name)
		}
		composite = append(composite, names)
	}

	queries := findQueries(t)
	if len(queries) == 0 {
		t.Fatal("found no datastore.NewQuery in the sources; want at least the expired-session cleanup")
	}
	for _, q := range queries {
		if q.unchained != "" {
			t.Errorf("%s: %s is called on a query built elsewhere; write the query as one chain from datastore.NewQuery so this test can check its index", q.pos, q.unchained)
			continue
		}
		if len(q.props) <= 1 {
			continue
		}
		if !slices.ContainsFunc(composite, func(names []string) bool { return equalSets(names, q.props) }) {
			t.Errorf("%s: query on properties %v needs a composite index; index.yaml has %v", q.pos, q.props, composite)
		}
	}
}

// query is one Datastore query found in the sources.
type query struct {
	pos       string
	props     []string // properties filtered or ordered on
	unchained string   // a query method called outside a NewQuery chain
}

// queryMethods are the datastore.Query methods that decide its index.
var queryMethods = map[string]bool{"Filter": true, "FilterField": true, "FilterEntity": true, "Order": true}

// findQueries parses the Go files the app's build reads (buildFiles) and
// returns every query chain that starts at datastore.NewQuery.
func findQueries(tb testing.TB) []query {
	tb.Helper()
	fset := token.NewFileSet()
	var found []query
	for _, path := range buildFiles(tb) {
		if !strings.HasSuffix(path, ".go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			tb.Fatal(err)
		}
		if !slices.ContainsFunc(f.Imports, func(s *ast.ImportSpec) bool { return s.Path.Value == `"cloud.google.com/go/datastore"` }) {
			continue
		}
		inChain := map[ast.Node]bool{} // calls already counted as part of a chain
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || inChain[call] {
				return true
			}
			// Walk down the chain: q.A().B().C() is C(B(A(q))) inside out.
			var chain []*ast.CallExpr
			for c := call; ; {
				chain = append(chain, c)
				sel, ok := c.Fun.(*ast.SelectorExpr)
				if !ok {
					break
				}
				inner, ok := sel.X.(*ast.CallExpr)
				if !ok {
					break
				}
				c = inner
			}
			root := chain[len(chain)-1]
			rootSel, _ := root.Fun.(*ast.SelectorExpr)
			if rootSel == nil || rootSel.Sel.Name != "NewQuery" {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && queryMethods[sel.Sel.Name] && len(chain) == 1 {
					found = append(found, query{pos: fset.Position(call.Pos()).String(), unchained: sel.Sel.Name})
				}
				return true
			}
			q := query{pos: fset.Position(root.Pos()).String()}
			for _, c := range chain {
				inChain[c] = true
				sel, _ := c.Fun.(*ast.SelectorExpr)
				if sel == nil || !queryMethods[sel.Sel.Name] || len(c.Args) == 0 {
					continue
				}
				name := "?"
				if lit, ok := c.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					// Filter takes "prop op", FilterField and Order "prop" or "-prop".
					name = strings.TrimPrefix(strings.Fields(strings.Trim(lit.Value, "\"`"))[0], "-")
				}
				if !slices.Contains(q.props, name) {
					q.props = append(q.props, name)
				}
			}
			found = append(found, q)
			return true
		})
	}
	return found
}

func equalSets(a, b []string) bool {
	a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	return slices.Equal(a, b)
}

// TestGcloudignore_uploadsWhatTheBuildNeeds asks gcloud itself which files
// `gcloud app deploy` would upload, and checks that tests and local files
// stay out while every file the build needs goes up.
func TestGcloudignore_uploadsWhatTheBuildNeeds(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("gcloud"); err != nil {
		if dstest.InCI() {
			t.Fatal("gcloud is not on PATH under CI=true: install the Google Cloud CLI")
		}
		t.Skip("gcloud is not on PATH: install the Google Cloud CLI to check .gcloudignore")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "gcloud", "meta", "list-files-for-upload", ".").Output()
	if err != nil {
		t.Fatalf("gcloud meta list-files-for-upload: %v%s", err, stderrOf(err))
	}
	uploaded := map[string]bool{}
	for line := range strings.Lines(string(out)) {
		if f := filepath.ToSlash(strings.TrimSpace(line)); f != "" {
			uploaded[f] = true
		}
	}
	if len(uploaded) == 0 {
		t.Fatal("gcloud lists no files for upload")
	}

	needed := buildFiles(t)
	forbidden := []string{".git/", ".datastore/", "docs/", "artifacts/", "internal/dstest/", "testdata/", "node_modules/"}
	for f := range uploaded {
		if slices.Contains(needed, f) {
			continue // embedded by the build, wherever it lives (docs/lesson.md)
		}
		if strings.HasSuffix(f, ".go") || f == ".git" {
			// Go code the build does not read: tests, or test-only packages.
			t.Errorf("uploaded: %s; want .gcloudignore to keep it out", f)
		}
		for _, dir := range forbidden {
			if strings.HasPrefix(f, dir) || strings.Contains(f, "/"+dir) {
				t.Errorf("uploaded: %s; want .gcloudignore to keep %s out", f, dir)
			}
		}
	}
	for _, f := range needed {
		if !uploaded[f] {
			t.Errorf("not uploaded: %s, which the build needs; fix .gcloudignore", f)
		}
	}
}

// buildFiles returns the module's files that `go build .` reads on App
// Engine (linux/amd64): the non-test Go and embedded files of the main
// package and of every package of this module it imports, plus go.mod and
// go.sum. Test-only packages such as internal/dstest are not among them.
func buildFiles(tb testing.TB) []string {
	tb.Helper()
	files, err := listBuildFiles()
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// listBuildFiles runs go list once for the tests that ask buildFiles.
var listBuildFiles = sync.OnceValues(func() ([]string, error) {
	root, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "list", "-deps",
		"-f", `{{if .Module}}{{if .Module.Main}}{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}
{{end}}{{range .CgoFiles}}{{$d}}/{{.}}
{{end}}{{range .EmbedFiles}}{{$d}}/{{.}}
{{end}}{{end}}{{end}}`, ".")
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -deps: %v%s", err, stderrOf(err))
	}
	files := []string{"go.mod", "go.sum"}
	for line := range strings.Lines(string(out)) {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		rel, err := filepath.Rel(root, line)
		if err != nil {
			return nil, err
		}
		files = append(files, filepath.ToSlash(rel))
	}
	if !slices.Contains(files, "main.go") || !slices.ContainsFunc(files, func(f string) bool { return strings.HasPrefix(f, "templates/") }) {
		return nil, fmt.Errorf("go list found %v; want main.go and the embedded templates among them", files)
	}
	return files, nil
})

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return ": " + strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}

func readFile(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
