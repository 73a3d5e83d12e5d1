//go:build exercise

package exercises

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gae-lessons/sessions-go/internal/dstest"
	"github.com/gae-lessons/sessions-go/sessionstore"
)

// Exercise 2: a form that asks for a name, kept in the session, and a
// greeting by name on every page, escaped.
func TestExercise2(t *testing.T) {
	const name, htmlName = "Ada Lovelace", "<b>Ada</b>"
	a := start(t, 2)
	f, field := nameForm(a)
	a.pass(`a page asks for your name: a <form method="post"> with a name field (looked for on /, /counter, /stateless and /mastermind)`)

	you := a.visitor()
	you.do("POST", f.action, url.Values{field: {name}}, true)
	a.pass("sending the form with the name " + name + " is accepted (303 back to a page, or 200)")

	for _, path := range []string{"/counter", "/stateless", "/mastermind"} {
		page := you.page(path)
		switch {
		case strings.Contains(text(page, false), name):
		case strings.Contains(text(page, true), name):
			a.fail("%s shows %s only in the session panel: greet the visitor in the page itself (templates/layout.html, so that every page does)", path, name)
		case path == "/counter":
			a.fail("%s is not on %s, not even in the session panel: is the name stored in the session, sess.Values[\"name\"], with s.update?", name, path)
		default:
			a.fail("/counter greets you but %s does not: greet in templates/layout.html, which every page uses, and give each page the name", path)
		}
	}
	a.pass("/counter, /stateless and /mastermind greet you: " + name + " is on each, outside the session panel")

	for _, c := range you.c.Jar.Cookies(a.url) {
		if c.Name != "session" {
			a.fail("the app set a cookie %q besides the session's: keep the name in the session; the cookie carries only the session id", c.Name)
		}
	}
	if strings.Contains(text(a.visitor().page("/counter"), true), name) {
		a.fail("a new visitor, with no cookie, sees %s on /counter too: the name is kept in the server (a variable, a field of Server), not in the visitor's session", name)
	}
	a.pass("the name is kept in your session: no cookie of its own, and another visitor is not greeted")

	you.do("POST", f.action, url.Values{field: {htmlName}}, true)
	switch page := you.page("/counter"); {
	case strings.Contains(panelRE.ReplaceAllString(page, ""), htmlName):
		a.fail("the name %s came out as HTML (a bold Ada) on /counter, not as text: print it with {{.Name}} in a template, which escapes it, never as template.HTML", htmlName)
	case !strings.Contains(text(page, false), htmlName):
		a.fail("after sending the name %s, /counter does not show it as typed: does the handler keep the name as it was sent?", htmlName)
	}
	a.pass("a name with HTML in it is shown as text: " + htmlName + " appears as typed, escaped by html/template")
}

// nameForm finds the form that asks for a name on the pages a visitor sees
// first, and its field for the name.
func nameForm(a *app) (form, string) {
	getForm := ""
	for _, f := range a.forms("/", "/counter", "/stateless", "/mastermind") {
		for _, field := range f.fields {
			switch {
			case f.action == "/signin" || !strings.Contains(strings.ToLower(field), "name"):
				// exercise 7's form has a name field too
			case f.method == "post":
				return f, field
			default:
				getForm = f.page
			}
		}
	}
	if getForm != "" {
		a.fail(`the name form on %s is sent with GET, and a GET never writes here (docs/http.md): use <form method="post">`, getForm)
	}
	a.fail(`no page has a <form method="post"> with a field for a name (an <input name="name">): add one, e.g. to templates/counter.html`)
	return form{}, ""
}

// Exercise 7: POST /signin keeps a user name and gives the session a new
// id (Store.RotateID), so that an id known before the sign-in is worth
// nothing after it.
func TestExercise7(t *testing.T) {
	a := start(t, 7)
	you := a.visitor()
	you.click("/counter")
	you.click("/counter")
	wantCounter(you, 2, "after 2 clicks")
	before := you.cookie()
	a.pass("two clicks on /counter make a session with count 2 (its cookie is kept for a replay)")

	signIn(you)
	a.pass("POST /signin with the name " + signInName + " is accepted (303, or 200)")

	switch after := you.cookie(); {
	case after == "":
		a.fail("after POST /signin the browser has no session cookie: RotateID sends the new one; do not end the session")
	case id(after) == id(before):
		a.fail("after POST /signin the session cookie carries the same session id as before (%.6s…): give the session a new id with st.RotateID(r, w, sess) once the name is saved", id(after))
	}
	a.pass("signing in gives the session a new id: the session cookie now carries another id")

	old := a.visitor()
	old.c.Jar.SetCookies(a.url, []*http.Cookie{{Name: "session", Value: before, Path: "/"}})
	if n := old.count(); n != 0 {
		a.fail("the cookie from before the sign-in, replayed, still finds the session (count %d): the old id must stop working; RotateID deletes the entity under the old id", n)
	}
	a.pass("the cookie from before signing in no longer finds the session: replayed, it shows count 0")

	if n := you.count(); n != 2 {
		a.fail("after signing in, the count is %d, not 2: a sign-in keeps the session's values under a new id (RotateID); it does not start an empty session", n)
	}
	wantSignedIn(you, "after signing in")
	a.pass("the new cookie keeps the session: the count is still 2 and the name is in it")

	newcomer := a.visitor()
	signIn(newcomer)
	if newcomer.cookie() == "" {
		a.fail("a new visitor who signs in gets no session cookie: save the session (a new session gets its id when it is first saved)")
	}
	wantSignedIn(newcomer, "after a new visitor signs in")
	a.pass("a new visitor can sign in too: POST /signin without a session keeps the name")
}

const signInName = "Grace Hopper"

// signIn posts the sign-in form: the fields of the one a page has, else
// the names a solution is likely to read.
func signIn(v *visitor) {
	form := url.Values{"name": {signInName}, "user": {signInName}, "username": {signInName}}
	for _, f := range v.a.forms("/", "/counter", "/stateless", "/mastermind") {
		if f.action == "/signin" && f.method == "post" {
			form = url.Values{}
			for _, field := range f.fields {
				form.Set(field, signInName)
			}
		}
	}
	v.do("POST", "/signin", form, true)
}

// wantSignedIn wants the name in the visitor's session, as the session
// panel of /counter shows it.
func wantSignedIn(v *visitor, when string) {
	if !strings.Contains(text(v.page("/counter"), true), signInName) {
		v.a.fail("%s, the name %s is not in the session (the session panel on /counter does not show it): store it in sess.Values before the new id is given", when, signInName)
	}
}

// id is the session id a cookie of the app carries, as its store reads it.
func id(cookie string) string {
	info, _ := sessionstore.NewStore(nil, dstest.Key, nil).Inspect("session", cookie)
	return info.ID
}
