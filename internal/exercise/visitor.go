package exercise

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"
)

// Visitor is one browser: a cookie jar, and requests that do not follow
// redirects, so that a step sees the 303 a form's POST answers.
type Visitor struct {
	run *Run
	jar *cookiejar.Jar
	c   *http.Client
}

func newVisitor(r *Run) *Visitor {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &Visitor{run: r, jar: jar, c: &http.Client{
		Jar:           jar,
		Timeout:       15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Answer is what the app answered to one request.
type Answer struct {
	Req    string // "POST /counter/reset", to name it in a sentence
	Status int
	Header http.Header
	Body   []byte

	app     *App
	logFrom int // the length of the app's log when the request was sent
}

// log returns what the app logged since the request was sent. The log
// comes through a pipe, so a line the handler wrote before it answered may
// arrive a little after the answer: it waits for that first.
func (a *Answer) log() string {
	time.Sleep(200 * time.Millisecond)
	return a.app.Log()[a.logFrom:]
}

// Get asks for path as a browser does, or for its JSON.
func (v *Visitor) Get(path string, asJSON bool) (*Answer, error) {
	return v.do("GET", path, nil, asJSON)
}

// Post sends form to path as an HTML form does (url-encoded, even when
// empty), answered in HTML or, with asJSON, in JSON.
func (v *Visitor) Post(path string, form url.Values, asJSON bool) (*Answer, error) {
	return v.do("POST", path, form, asJSON)
}

func (v *Visitor) do(method, path string, form url.Values, asJSON bool) (*Answer, error) {
	var body io.Reader
	if method == "POST" {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(v.run.ctx, method, v.run.app.Base+path, body)
	if err != nil {
		return nil, err
	}
	if method == "POST" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if asJSON {
		req.Header.Set("Accept", "application/json")
	} else {
		req.Header.Set("Accept", "text/html,application/xhtml+xml")
	}
	name := method + " " + path
	logBefore := len(v.run.app.Log())
	resp, err := v.c.Do(req)
	if err != nil {
		return nil, &Miss{
			Sentence: fmt.Sprintf("%s got no answer (%v): did the app stop? Its log is below.", name, err),
			Detail:   tail(v.run.app.Log(), 20),
		}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, missf("%s: the answer broke off (%v)", name, err)
	}
	return &Answer{Req: name, Status: resp.StatusCode, Header: resp.Header, Body: b, app: v.run.app, logFrom: logBefore}, nil
}

// Follow asks for the page a redirect answer points to.
func (v *Visitor) Follow(a *Answer) (*Answer, error) {
	loc, err := url.Parse(a.Header.Get("Location"))
	if err != nil || a.Header.Get("Location") == "" {
		return nil, missf("%s answered %d without a Location to go to: redirect with http.Redirect(w, r, \"/counter\", http.StatusSeeOther), as done() does", a.Req, a.Status)
	}
	return v.Get(loc.RequestURI(), false)
}

// Cookie returns the value of the visitor's session cookie, "" if none.
func (v *Visitor) Cookie() string {
	u, _ := url.Parse(v.run.app.Base)
	for _, c := range v.jar.Cookies(u) {
		if c.Name == "session" {
			return c.Value
		}
	}
	return ""
}

// Cookies returns the names of every cookie the visitor holds.
func (v *Visitor) Cookies() []string {
	u, _ := url.Parse(v.run.app.Base)
	var names []string
	for _, c := range v.jar.Cookies(u) {
		names = append(names, c.Name)
	}
	return names
}

// SetCookie gives the visitor a session cookie by hand, as a replay does.
func (v *Visitor) SetCookie(value string) {
	u, _ := url.Parse(v.run.app.Base)
	v.jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: value, Path: "/"}})
}

// sessionID returns the session id a cookie value carries, in hex, decoded
// as the lesson's §8 does by hand: base64 of date|base64(id)|signature. A
// value of another shape is returned as it is, so that two values still
// compare.
func sessionID(value string) string {
	raw, err := base64.URLEncoding.DecodeString(value)
	if err != nil {
		return value
	}
	parts := bytes.SplitN(raw, []byte("|"), 3)
	if len(parts) < 3 {
		return value
	}
	id, err := base64.URLEncoding.DecodeString(string(parts[1]))
	if err != nil {
		return value
	}
	return hex.EncodeToString(id)
}

// OK reports whether the answer is a success or a redirect.
func (a *Answer) OK() bool { return a.Status >= 200 && a.Status < 400 }

// JSON decodes the answer's JSON into v.
func (a *Answer) JSON(v any) error {
	if err := json.Unmarshal(a.Body, v); err != nil {
		return missf("%s asked for JSON did not answer JSON (%v): keep its JSON answer (wantsJSON, writeJSON)", a.Req, err)
	}
	return nil
}

// Unexpected says what an answer that is not a success means, with a hint
// for the cases a solution meets most, and the app's log for a 5xx.
func (a *Answer) Unexpected() *Miss {
	method, path, _ := strings.Cut(a.Req, " ")
	path, _, _ = strings.Cut(path, "?")
	msg := a.errorMessage()
	var log string
	if a.Status >= 500 {
		log = a.log()
	}
	quoted := ""
	if msg != "" {
		quoted = fmt.Sprintf(" (%q)", oneLine(msg))
	}
	switch {
	case a.Status == http.StatusNotFound:
		return missf("%s answered 404: is the route in the route table (internal/web/routes.go)?", a.Req)
	case a.Status == http.StatusMethodNotAllowed:
		return missf("%s answered 405: the path is known, but not for %s; register \"%s %s\" in internal/web/routes.go", a.Req, method, method, path)
	case a.Status == http.StatusBadRequest:
		return missf("%s answered 400%s: does the handler read the fields the form sends?", a.Req, quoted)
	case a.Status >= 500 && strings.Contains(log, "gob"):
		return &Miss{
			Sentence: fmt.Sprintf("%s answered %d, and the app's log speaks of gob: a value of a type you define (a map, a struct, gorilla's flashes) must be registered once at start-up with gob.Register", a.Req, a.Status),
			Detail:   tail(log, 10),
		}
	case a.Status == http.StatusServiceUnavailable:
		return &Miss{
			Sentence: fmt.Sprintf("%s answered 503%s: the session store did not answer in time; the app's log may say why", a.Req, quoted),
			Detail:   tail(log, 10),
		}
	case a.Status >= 500:
		return &Miss{
			Sentence: fmt.Sprintf("%s answered %d%s: the handler failed; the app's log says why", a.Req, a.Status, quoted),
			Detail:   tail(log, 10),
		}
	}
	return missf("%s answered %d%s", a.Req, a.Status, quoted)
}

// errorMessage is the message of an error answer: the JSON's "error", or
// the error page's message.
func (a *Answer) errorMessage() string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(a.Body, &e) == nil && e.Error != "" {
		return e.Error
	}
	p, err := parsePage(a.Body)
	if err != nil {
		return ""
	}
	if n := p.byID("message"); n != nil {
		return textOf(n)
	}
	return ""
}

// count returns GET /counter's count, from its JSON or, failing that,
// from the page's number.
func (v *Visitor) count() (int, error) {
	a, err := v.Get("/counter", true)
	if err != nil {
		return 0, err
	}
	if a.Status != http.StatusOK {
		return 0, a.Unexpected()
	}
	var c struct {
		Count *int `json:"count"`
	}
	if json.Unmarshal(a.Body, &c) == nil && c.Count != nil {
		return *c.Count, nil
	}
	if a, err = v.Get("/counter", false); err != nil {
		return 0, err
	}
	p, err := parsePage(a.Body)
	if err == nil {
		if n, ok := p.number("count"); ok {
			return n, nil
		}
	}
	return 0, missf(`GET /counter answered neither {"count": N} in JSON nor a page with the count (id="count"): keep its answer as docs/http.md says`)
}

// click posts one click to path (/counter, /stateless) and wants a
// success.
func (v *Visitor) click(path string) error {
	a, err := v.Post(path, nil, true)
	if err != nil {
		return err
	}
	if !a.OK() {
		return a.Unexpected()
	}
	return nil
}
