package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// pageData is what every page's template gets besides its own data.
type pageData struct {
	// Nav names the page, to mark it in the navigation.
	Nav string
	// Panel shows what is in the visitor's session; nil hides it.
	Panel *sessionPanel
}

// parsePages parses each page template of assets' templates/ with the
// shared layout.
func parsePages(assets fs.FS) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"seq":   func(n int) []int { return make([]int, n) },
		"digit": func(b uint8) string { return string(rune('0' + b)) },
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		page := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if page == "layout" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(assets, name)
		if err != nil {
			return nil, err
		}
		pages[page] = t
	}
	return pages, nil
}

// renderPage writes the named page with status code. The page is rendered to a
// buffer first, so a template error is a clean 500, not half a page.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, code int, page string, data any) {
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "layout.html", data); err != nil {
		s.log.ErrorContext(r.Context(), "render "+page, "error", err)
		http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	buf.WriteTo(w)
}

// wantsJSON reports whether the client asked for JSON (contract: an Accept
// header that contains application/json). Several Accept lines count as
// one list, and media types are case-insensitive.
func wantsJSON(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		if strings.Contains(strings.ToLower(v), "application/json") {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// done answers a successful POST: 303 to the page it belongs to for a
// browser, 200 with the new state for JSON (Post/Redirect/Get).
func done(w http.ResponseWriter, r *http.Request, page string, state any) {
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, state)
		return
	}
	http.Redirect(w, r, page, http.StatusSeeOther)
}

// formValue reads one field of the request's url-encoded form body, as
// the contract's forms send it; the query string is not a form. It tells an
// body that is not such a form (400), and wants the field exactly once. The
// body is already read whole, within maxBody (limitBody), so reading it
// here cannot fail.
func formValue(r *http.Request, field string) (string, error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return "", errBadForm
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return "", errBadForm
	}
	values, err := url.ParseQuery(string(body))
	if err != nil {
		return "", errBadEncoding
	}
	switch vs := values[field]; len(vs) {
	case 1:
		return vs[0], nil
	case 0:
		return "", &clientError{http.StatusBadRequest, fmt.Sprintf("The form has no %s field.", field)}
	default:
		return "", &clientError{http.StatusBadRequest, fmt.Sprintf("The form has %d %s fields; send one.", len(vs), field)}
	}
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	b, err := fs.ReadFile(s.static, r.PathValue("file"))
	if err != nil {
		s.fail(w, r, errNotFound)
		return
	}
	switch path.Ext(r.PathValue("file")) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case ".svg":
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(b)
}
