package exercise

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Exercise 7: POST /signin keeps a user name and gives the session a new
// id (Store.RotateID), so that an id known before the sign-in is worth
// nothing after it.

const signInName = "Grace Hopper"

// signInFields are the fields sent to POST /signin when no page has its
// form: the names a solution is likely to read.
var signInFields = []string{"name", "user", "username"}

// noField is the app's answer to a form without a field it reads
// (formValue).
var noField = regexp.MustCompile(`The form has no (\S+) field`)

var signInSteps = []Step{
	{
		What: "two clicks on /counter make a session with count 2 (its cookie is kept for a replay)",
		Do: func(r *Run) error {
			v := r.Visitor("you")
			for range 2 {
				if err := v.click("/counter"); err != nil {
					return err
				}
			}
			if err := wantCounter(v, 2, "after 2 clicks"); err != nil {
				return err
			}
			r.found["before"] = v.Cookie()
			return nil
		},
	},
	{
		What: "POST /signin with the name " + signInName + " is accepted (303, or 200)",
		Do:   func(r *Run) error { return signIn(r, r.Visitor("you")) },
	},
	{
		What: "signing in gives the session a new id: the session cookie now carries another id",
		Do: func(r *Run) error {
			before, _ := r.found["before"].(string)
			after := r.Visitor("you").Cookie()
			switch {
			case after == "":
				return missf("after POST /signin the browser has no session cookie: RotateID sends the new one; do not end the session")
			case sessionID(after) == sessionID(before):
				return missf("after POST /signin the session cookie carries the same session id as before (%.6s…): give the session a new id with st.RotateID(r, w, sess) once the name is saved", sessionID(after))
			}
			return nil
		},
	},
	{
		What: "the cookie from before signing in no longer finds the session: replayed, it shows count 0",
		Do: func(r *Run) error {
			before, _ := r.found["before"].(string)
			old := r.Stranger()
			old.SetCookie(before)
			n, err := old.count()
			if err != nil {
				return err
			}
			if n != 0 {
				return missf("the cookie from before the sign-in, replayed, still finds the session (count %d): the old id must stop working; RotateID deletes the entity under the old id", n)
			}
			return nil
		},
	},
	{
		What: "the new cookie keeps the session: the count is still 2 and the name is in it",
		Do: func(r *Run) error {
			v := r.Visitor("you")
			n, err := v.count()
			if err != nil {
				return err
			}
			if n != 2 {
				return missf("after signing in, the count is %d, not 2: a sign-in keeps the session's values under a new id (RotateID); it does not start an empty session", n)
			}
			return wantSignedIn(v, "after signing in")
		},
	},
	{
		What: "a new visitor can sign in too: POST /signin without a session keeps the name",
		Do: func(r *Run) error {
			v := r.Visitor("new")
			if err := signIn(r, v); err != nil {
				return err
			}
			if v.Cookie() == "" {
				return missf("a new visitor who signs in gets no session cookie: save the session (a new session gets its id when it is first saved)")
			}
			return wantSignedIn(v, "after a new visitor signs in")
		},
	},
}

// signIn posts the sign-in form: the one a page has, else the usual field
// names, adding any field the app says the form lacks.
func signIn(r *Run, v *Visitor) error {
	fields := signInFields
	if f, ok := signInForm(r); ok {
		fields = nil
		for _, fd := range f.Fields {
			fields = append(fields, fd.Name)
		}
	}
	for range 3 {
		form := url.Values{}
		for _, f := range fields {
			form.Set(f, signInName)
		}
		a, err := v.Post("/signin", form, false)
		if err != nil {
			return err
		}
		if a.OK() {
			return nil
		}
		m := noField.FindStringSubmatch(a.errorMessage())
		if a.Status != http.StatusBadRequest || m == nil {
			return a.Unexpected()
		}
		fields = append(fields, m[1])
	}
	return missf("POST /signin keeps asking for more fields: read the name from one field, formValue(r, \"name\")")
}

// signInForm returns the form that posts to /signin, if a page has one.
func signInForm(r *Run) (Form, bool) {
	for _, path := range namePages {
		p, err := r.Stranger().page(path)
		if err != nil {
			continue
		}
		for _, f := range p.Forms(path) {
			if f.Action == "/signin" && f.Method == "post" {
				return f, true
			}
		}
	}
	return Form{}, false
}

// wantSignedIn wants the name in the visitor's session, as the counter
// page shows it (in the session panel, or anywhere on the page).
func wantSignedIn(v *Visitor, when string) error {
	p, err := v.page("/counter")
	if err != nil {
		return err
	}
	if !strings.Contains(p.AllText(), signInName) {
		return missf("%s, the name %s is not in the session (the session panel on /counter does not show it): store it in sess.Values before the new id is given", when, signInName)
	}
	return nil
}
