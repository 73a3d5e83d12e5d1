//go:build exercise

package exercises

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/internal/apptest"
	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/internal/web"
)

// TestMain starts the Datastore emulator once: for every check, and for
// the copies of the tree TestSolutions checks (DATASTORE_EMULATOR_HOST).
func TestMain(m *testing.M) { os.Exit(dstest.Main(m, dstest.Datastore)) }

// TestExercises lists every exercise and whether it is done: make exercise.
// Run it with go test -C exercises, whose output shows even when it passes.
func TestExercises(t *testing.T) {
	checks := map[int]func(*testing.T){1: TestExercise1, 2: TestExercise2, 3: TestExercise3, 4: TestExercise4, 5: TestExercise5, 7: TestExercise7}
	listed = map[int]string{}
	defer func() { listed = nil }()
	fmt.Print("The lesson's exercises (docs/lesson.md §9); make exercise N=<number> checks one, step by step.\n\n")
	for _, ex := range exercises {
		state := "– " + ex.notChecked
		if ex.notChecked == "" {
			state = "✓ done"
			if !t.Run(strconv.Itoa(ex.n), checks[ex.n]) {
				state = fmt.Sprintf("✗ the check could not run: make exercise N=%d says why", ex.n)
			} else if listed[ex.n] != "" {
				state = listed[ex.n]
			}
		}
		fmt.Printf("  %2d  %-36s %s\n", ex.n, ex.title, state)
	}
}

func TestExercise6(t *testing.T)  { notChecked(t, 6) }
func TestExercise8(t *testing.T)  { notChecked(t, 8) }
func TestExercise9(t *testing.T)  { notChecked(t, 9) }
func TestExercise10(t *testing.T) { notChecked(t, 10) }

func notChecked(t *testing.T, n int) {
	fmt.Fprintf(t.Output(), "Exercise %d: %s\n", n, exercises[n-1].title)
	t.Skip("This exercise is " + exercises[n-1].notChecked + ".")
}

// listed holds each check's outcome while TestExercises runs: a check that
// fails then skips instead, so that the list passes, and prints nothing.
var listed map[int]string

// app is one exercise's check: the app of this working tree, served
// in-process on the emulator in a namespace of its own.
type app struct {
	t    *testing.T
	n    int
	url  *url.URL
	rpcs *dstest.Counter // the app's Datastore calls
}

func start(t *testing.T, n int) *app {
	a := &app{t: t, n: n}
	a.say(fmt.Sprintf("Exercise %d: %s", n, exercises[n-1].title))
	t.Cleanup(func() { // dstest skips without an emulator: what checked nothing must not look done
		if t.Skipped() && listed[n] == "" {
			fmt.Fprintln(t.Output(), "✗ the checks need the Datastore emulator; make doctor says what to install")
			t.Fail()
		}
	})
	client, rpcs := dstest.First(t).Client(t)
	cfg := apptest.Config(dstest.Namespace(t))
	// The app's warnings and errors go above the ✗ they explain.
	var logTo io.Writer = t.Output()
	if listed != nil {
		logTo = io.Discard
	}
	srv, err := web.New(cfg, client, slog.New(slog.NewTextHandler(logTo, &slog.HandlerOptions{Level: slog.LevelWarn})), os.DirFS(".."))
	if err != nil {
		a.fail("the app does not start: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	a.url, _ = url.Parse(ts.URL)
	a.rpcs = rpcs
	return a
}

// visitor is a new browser: a cookie jar of its own. It does not follow
// redirects, so that a step sees the 303 a form's POST answers.
func (a *app) visitor() *visitor {
	jar, _ := cookiejar.New(nil)
	noFollow := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &visitor{a, &http.Client{Jar: jar, CheckRedirect: noFollow}}
}

func (a *app) pass(what string) { a.say("✓ " + what) }

// fail is the step that did not hold: ✗ and one sentence that says what to
// look at. The check stops there; the steps after it would repeat it.
func (a *app) fail(format string, args ...any) {
	if listed != nil {
		listed[a.n] = fmt.Sprintf("✗ not yet: make exercise N=%d says why", a.n)
		a.t.SkipNow()
	}
	a.say("✗ " + fmt.Sprintf(format, args...))
	a.t.FailNow()
}

func (a *app) say(line string) {
	if listed == nil {
		fmt.Fprintln(a.t.Output(), line)
	}
}

type visitor struct {
	a *app
	c *http.Client
}

// do sends a request as a browser does (a POST with the form url-encoded)
// asking for HTML or, with asJSON, JSON. An answer that is neither a
// success nor a redirect is the step's ✗, with a hint for the cases a
// solution meets most.
func (v *visitor) do(method, path string, form url.Values, asJSON bool) (*http.Response, string) {
	req, _ := http.NewRequest(method, v.a.url.String()+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	if asJSON {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := v.c.Do(req)
	if err != nil {
		v.a.fail("%s %s got no answer: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	name, status := method+" "+path, resp.StatusCode
	var e struct{ Error string } // the message of a JSON answer
	json.Unmarshal(b, &e)
	if e.Error != "" {
		e.Error = fmt.Sprintf(" (%q)", e.Error)
	}
	switch {
	case status < 400:
	case status == http.StatusNotFound:
		v.a.fail("%s answered 404: is the route in the route table (internal/web/routes.go)?", name)
	case status == http.StatusMethodNotAllowed:
		v.a.fail("%s answered 405: the path is known, but not for this method; register \"%s\" in internal/web/routes.go", name, name)
	case status == http.StatusBadRequest:
		v.a.fail("%s answered 400%s: does the handler read the fields the form sends?", name, e.Error)
	case status >= 500:
		v.a.fail("%s answered %d%s: the handler failed; the app's log above says why", name, status, e.Error)
	default:
		v.a.fail("%s answered %d%s", name, status, e.Error)
	}
	return resp, string(b)
}

func (v *visitor) page(path string) string {
	_, body := v.do("GET", path, nil, false)
	return body
}

// json sends a request asking for JSON and decodes the answer into out.
func (v *visitor) json(method, path string, form url.Values, out any) {
	if _, body := v.do(method, path, form, true); json.Unmarshal([]byte(body), out) != nil {
		v.a.fail("%s %s asked for JSON did not answer JSON: keep its JSON answer (wantsJSON, writeJSON)", method, path)
	}
}

func (v *visitor) click(path string) { v.do("POST", path, url.Values{}, true) }

func (v *visitor) count() int {
	var c struct{ Count *int }
	v.json("GET", "/counter", nil, &c)
	if c.Count == nil {
		v.a.fail(`GET /counter answered no {"count": N} in JSON: keep its answer as docs/http.md says`)
	}
	return *c.Count
}

// cookie is the value of the visitor's session cookie, "" if none.
func (v *visitor) cookie() string {
	for _, c := range v.c.Jar.Cookies(v.a.url) {
		if c.Name == "session" {
			return c.Value
		}
	}
	return ""
}

var (
	panelRE = regexp.MustCompile(`(?is)<aside[^>]*panel.*?</aside>`)
	blockRE = regexp.MustCompile(`(?i)</?(p|div|li|h[1-6]|section|tr|td|th|br|ol|ul|table|form|main|header|footer|nav|aside|dl|dd|dt|button|pre)\b[^>]*>`)
	tagRE   = regexp.MustCompile(`<[^>]*>`)
	formRE  = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	fieldRE = regexp.MustCompile(`(?is)<(input|textarea)\b([^>]*)>`)
)

// text is what a page says, a line per block: the page without tags, and
// without the session panel, which shows every session value, unless
// withPanel.
func text(page string, withPanel bool) string {
	if !withPanel {
		page = panelRE.ReplaceAllString(page, "")
	}
	var lines []string
	for _, l := range strings.Split(html.UnescapeString(tagRE.ReplaceAllString(blockRE.ReplaceAllString(page, "\n"), "")), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// form is a form of a page: the page, how it is sent, where, and its
// text fields.
type form struct {
	page, method, action string
	fields               []string
}

// forms returns the forms of the pages at paths, as a new visitor sees
// them.
func (a *app) forms(paths ...string) []form {
	var out []form
	for _, path := range paths {
		base, _ := url.Parse(path)
		for _, m := range formRE.FindAllStringSubmatch(a.visitor().page(path), -1) {
			action, _ := base.Parse(attr(m[1], "action"))
			f := form{page: path, method: strings.ToLower(attr(m[1], "method")), action: action.RequestURI()}
			for _, fm := range fieldRE.FindAllStringSubmatch(m[2], -1) {
				switch typ := strings.ToLower(attr(fm[2], "type")); {
				case attr(fm[2], "name") == "":
				case fm[1] == "textarea", typ == "", typ == "text", typ == "search":
					f.fields = append(f.fields, attr(fm[2], "name"))
				}
			}
			out = append(out, f)
		}
	}
	return out
}

// attr is the value of a tag's attribute.
func attr(tag, name string) string {
	m := regexp.MustCompile(`(?i)(?:^|\s)` + name + `\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))`).FindStringSubmatch(tag)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1] + m[2] + m[3])
}
