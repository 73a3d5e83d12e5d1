package main

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageData is what every page's template gets besides its own data.
type pageData struct {
	// Nav names the page, to mark it in the navigation.
	Nav string
	// Panel shows what is in the visitor's session; nil hides it.
	Panel *sessionPanel
}

// parsePages parses each page template with the shared layout. A template
// that does not parse is a bug caught by every test, so it panics.
func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"seq":   func(n int) []int { return make([]int, n) },
		"digit": func(b uint8) string { return string(rune('0' + b)) },
	}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html"))
	pages := map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		page := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if page == "layout" {
			continue
		}
		pages[page] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, name))
	}
	return pages
}

// renderPage writes the named page with status. The page is rendered to a
// buffer first, so a template error is a clean 500, not half a page.
func (s *server) renderPage(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "layout.html", data); err != nil {
		s.log.ErrorContext(r.Context(), "render "+page, "error", err)
		http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// wantsJSON reports whether the client asked for JSON (contract: an Accept
// header that contains application/json).
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
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

// formValue reads one field of a url-encoded form body, telling an
// oversized body (413) from an unreadable one (400).
func formValue(r *http.Request, field string) (string, error) {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", errTooLarge
		}
		return "", errBadForm
	}
	return r.PostForm.Get(field), nil
}

func (s *server) handleStatic(w http.ResponseWriter, r *http.Request) {
	b, err := staticFS.ReadFile("static/" + r.PathValue("file"))
	if err != nil {
		s.fail(w, r, errNotFound)
		return
	}
	switch path.Ext(r.PathValue("file")) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".svg":
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(b)
}
