package main

import (
	_ "embed"
	"net/http"
	"sync"
)

// lessonSource is the lesson as the repository has it, so the page and
// docs/lesson.md cannot drift apart.
//
//go:embed docs/lesson.md
var lessonSource string

// renderedLesson is the lesson rendered once, on first use: the text
// cannot change while the app runs, so no request pays for rendering it.
var renderedLesson = sync.OnceValue(func() markdownDoc { return renderMarkdown(lessonSource) })

// lessonPage is the data of the lesson page.
type lessonPage struct {
	pageData
	Lesson markdownDoc
}

// handleLesson shows the lesson. Like the home page it is HTML only, and it
// needs no session: it makes no Datastore call and sets no cookie.
func (s *server) handleLesson(w http.ResponseWriter, r *http.Request) {
	s.renderPage(w, r, http.StatusOK, "lesson", lessonPage{
		pageData: pageData{Nav: "lesson"},
		Lesson:   renderedLesson(),
	})
}
