package exercise

import (
	"fmt"
	"regexp"
	"strings"
)

// Exercise 2: a form that asks for a name, kept in the session, and a
// greeting by name on every page, escaped.

// namePages are the pages a name form may be on, and those that must
// greet: the demo pages, which read the session anyway.
var (
	namePages  = []string{"/", "/counter", "/stateless", "/mastermind"}
	greetPages = []string{"/counter", "/stateless", "/mastermind"}
	// nameField is a form field that asks for a name.
	nameField = regexp.MustCompile(`(?i)name`)
)

const (
	visitorName = "Ada Lovelace"
	htmlName    = "<b>Ada</b>"
)

var nameSteps = []Step{
	{
		What: `a page asks for your name: a <form method="post"> with a name field (looked for on /, /counter, /stateless and /mastermind)`,
		Do: func(r *Run) error {
			f, err := findNameForm(r)
			if err != nil {
				return err
			}
			r.found["nameForm"] = f
			return nil
		},
	},
	{
		What: "sending the form with the name " + visitorName + " is accepted (303 back to a page, or 200)",
		Do:   func(r *Run) error { return sendName(r.Visitor("you"), r, visitorName) },
	},
	{
		What: "/counter, /stateless and /mastermind greet you: " + visitorName + " is on each, outside the session panel",
		Do: func(r *Run) error {
			v := r.Visitor("you")
			for _, path := range greetPages {
				p, err := v.page(path)
				if err != nil {
					return err
				}
				if strings.Contains(p.Text(), visitorName) {
					continue
				}
				if strings.Contains(p.AllText(), visitorName) {
					return missf("%s shows %s only in the session panel: greet the visitor in the page itself (templates/layout.html, so that every page does)", path, visitorName)
				}
				if path == greetPages[0] {
					return missf("%s is not on %s, not even in the session panel: is the name stored in the session, sess.Values[\"name\"], with s.update?", visitorName, path)
				}
				return missf("%s greets you but %s does not: greet in templates/layout.html, which every page uses, and give each page the name", greetPages[0], path)
			}
			return nil
		},
	},
	{
		What: "the name is kept in your session: no cookie of its own, and another visitor is not greeted",
		Do: func(r *Run) error {
			for _, c := range r.Visitor("you").Cookies() {
				if c != "session" {
					return missf("the app set a cookie %q besides the session's: keep the name in the session; the cookie carries only the session id", c)
				}
			}
			p, err := r.Stranger().page("/counter")
			if err != nil {
				return err
			}
			if strings.Contains(p.AllText(), visitorName) {
				return missf("a new visitor, with no cookie, sees %s on /counter too: the name is kept in the server (a variable, a field of Server), not in the visitor's session", visitorName)
			}
			return nil
		},
	},
	{
		What: "a name with HTML in it is shown as text: " + htmlName + " appears as typed, escaped by html/template",
		Do: func(r *Run) error {
			v := r.Visitor("you")
			if err := sendName(v, r, htmlName); err != nil {
				return err
			}
			p, err := v.page("/counter")
			if err != nil {
				return err
			}
			switch {
			case p.hasElement("b", "Ada"):
				return missf("the name %s came out as HTML (a bold Ada) on /counter, not as text: print it with {{.Name}} in a template, which escapes it, never as template.HTML", htmlName)
			case !strings.Contains(p.Text(), htmlName):
				return missf("after sending the name %s, /counter does not show it as typed: does the handler keep the name as it was sent?", htmlName)
			}
			return nil
		},
	},
}

// findNameForm finds the form that asks for a name on the pages a
// visitor sees first.
func findNameForm(r *Run) (Form, error) {
	var getForm string
	v := r.Stranger()
	for _, path := range namePages {
		p, err := v.page(path)
		if err != nil {
			return Form{}, err
		}
		for _, f := range p.Forms(path) {
			if f.Action == "/signin" || nameFieldOf(f) == "" {
				continue // exercise 7's form has a name field too
			}
			if f.Method == "post" {
				return f, nil
			}
			getForm = path
		}
	}
	if getForm != "" {
		return Form{}, missf(`the name form on %s is sent with GET, and a GET never writes here (docs/http.md): use <form method="post">`, getForm)
	}
	return Form{}, missf(`no page has a <form method="post"> with a field for a name (an <input name="name">): add one, e.g. to templates/counter.html`)
}

// nameFieldOf returns the name of the form's field that asks for a name.
func nameFieldOf(f Form) string {
	for _, fd := range f.Fields {
		switch fd.Type {
		case "", "text", "search", "textarea":
			if nameField.MatchString(fd.Name) {
				return fd.Name
			}
		}
	}
	return ""
}

// sendName sends the name form found earlier with name in its name field.
func sendName(v *Visitor, r *Run, name string) error {
	f, ok := r.found["nameForm"].(Form)
	if !ok {
		return fmt.Errorf("no name form was found")
	}
	a, err := v.Post(f.Action, f.values(map[string]string{nameFieldOf(f): name}), false)
	if err != nil {
		return err
	}
	if !a.OK() {
		return a.Unexpected()
	}
	return nil
}
