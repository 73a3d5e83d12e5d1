package web

import (
	"io/fs"
	"net/http"

	"github.com/gae-lessons/sessions-go/internal/markdown"
)

// readLesson renders docs/lesson.md of assets, once per process: the text
// cannot change while the app runs, so no request pays for rendering it,
// and the page and the repository's file cannot drift apart.
func readLesson(assets fs.FS) (markdown.Doc, error) {
	src, err := fs.ReadFile(assets, "docs/lesson.md")
	if err != nil {
		return markdown.Doc{}, err
	}
	return markdown.Render(src)
}

// lessonPage is the data of the lesson page.
type lessonPage struct {
	pageData
	Lesson markdown.Doc
}

// handleLesson shows the lesson. Like the home page it is HTML only, and it
// needs no session: it makes no Datastore call and sets no cookie.
func (s *Server) handleLesson(w http.ResponseWriter, r *http.Request) {
	s.renderPage(w, r, http.StatusOK, "lesson", lessonPage{
		pageData: pageData{Nav: "lesson"},
		Lesson:   s.lesson,
	})
}
