package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/skip2/go-qrcode"
)

const (
	// classLimit is how many sessions /class reads at most: those that
	// expire last, the visitors of the last minutes. One query of 1,000
	// entities keeps the page cheap on a big public deployment; with more,
	// the page says "at least".
	classLimit = 1000
	// classRefresh is how often, in seconds, the class view reloads itself.
	classRefresh = "5"
	// chartGapless is the highest count whose chart shows every count from
	// 1 up, so that a gap is seen; above it, only counts some visitor has.
	chartGapless = 40
)

// classStats is what the instructor's screen counts: anonymous, counts
// only.
type classStats struct {
	Sessions  int           `json:"sessions"`
	Clickers  int           `json:"clickers"`
	Clicks    int           `json:"clicks"`
	Histogram []classBucket `json:"histogram"`
	// AtLeast: more live sessions exist than were read (classLimit).
	AtLeast bool `json:"atLeast"`
}

// classBucket is one bar of the chart: how many visitors clicked Count
// times.
type classBucket struct {
	Count    int `json:"count"`
	Visitors int `json:"visitors"`
}

// classPage is the data of the class template.
type classPage struct {
	pageData
	classStats
	Address string
	QR      qrSVG
	Chart   barChart
	Refresh bool
}

// handleClass shows the instructor's screen: a QR code of the app's
// address for the students' phones, and the class's clicks. It reads no
// visitor's session and writes nothing.
func (s *Server) handleClass(w http.ResponseWriter, r *http.Request) {
	if s.cfg.NoClassView {
		s.fail(w, r, errNotFound)
		return
	}
	addr, err := siteAddress(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.store(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	values, more, err := st.Sessions(r.Context(), classLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stats := countClicks(values)
	stats.AtLeast = more
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, stats)
		return
	}
	qr, err := newQRSVG(addr)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The page reloads itself with a Refresh header, which browsers treat
	// as <meta http-equiv="refresh">: no script, so the CSP stays as it is.
	// ?refresh=off stops it (WCAG 2.2.1: a time limit the user can turn off).
	refresh := r.URL.Query().Get("refresh") != "off"
	if refresh {
		w.Header().Set("Refresh", classRefresh)
	}
	s.renderPage(w, r, http.StatusOK, "class", classPage{
		pageData:   pageData{Nav: "class"},
		classStats: stats,
		Address:    addr,
		QR:         qr,
		Chart:      newBarChart(stats.Histogram),
		Refresh:    refresh,
	})
}

// countClicks counts sessions, visitors who clicked and their clicks, and
// how many visitors are at each count.
func countClicks(values []map[any]any) classStats {
	st := classStats{Sessions: len(values), Histogram: []classBucket{}}
	byCount := map[int]int{}
	for _, v := range values {
		n, _ := v[keyCount].(int)
		if n <= 0 {
			continue
		}
		st.Clickers++
		st.Clicks += n
		byCount[n]++
	}
	for c, k := range byCount {
		st.Histogram = append(st.Histogram, classBucket{Count: c, Visitors: k})
	}
	slices.SortFunc(st.Histogram, func(a, b classBucket) int { return a.Count - b.Count })
	return st
}

// siteAddress is the address students open: the request's scheme and host.
// Behind App Engine's front end the request is plain HTTP, and
// X-Forwarded-Proto says what the browser used.
func siteAddress(r *http.Request) (string, error) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	if p := strings.ToLower(strings.TrimSpace(proto)); p == "https" || p == "http" {
		scheme = p
	}
	// Go's server has already refused a Host with characters a host cannot
	// have; a very long one would not fit a readable QR code.
	if r.Host == "" || len(r.Host) > 255 {
		return "", errBadHost
	}
	return scheme + "://" + r.Host + "/", nil
}

var errBadHost = &clientError{http.StatusBadRequest, "The request's Host header does not name this site: send the address you opened."}

// qrSVG is a QR code drawn as one SVG path of unit squares, inline in the
// page: an inline <svg> needs no route of its own, and the CSP (img-src
// 'self') does not apply to it.
type qrSVG struct {
	Size int    // modules per side, quiet zone included
	Path string // the dark modules
}

// newQRSVG encodes text as a QR code with medium error correction, which
// survives a projector's glare and a phone held at an angle.
func newQRSVG(text string) (qrSVG, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return qrSVG{}, fmt.Errorf("web: QR code of %q: %w", text, err)
	}
	bits := q.Bitmap() // with the 4-module quiet zone
	var b strings.Builder
	for y, row := range bits {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	return qrSVG{Size: len(bits), Path: b.String()}, nil
}

// barChart is the histogram drawn as SVG bars, laid out here so that the
// template only places them.
type barChart struct {
	Width, Height int
	Bars          []bar
	Summary       string // the chart as a sentence, its text alternative
}

// bar is one bar: the count under it, the visitors above it.
type bar struct {
	Count, Visitors int
	X, Y, W, H      int
	LabelX, ValueY  int
	CountY          int
}

// Chart geometry, in SVG user units.
const (
	chartBarStep   = 40
	chartBarWidth  = 30
	chartPlot      = 200 // height of the tallest bar
	chartTop       = 30  // room for the visitors above a bar
	chartBottom    = 30  // room for the count under a bar
	chartLeftRight = 10
	chartMinBars   = 10 // a chart of one bar is as wide as one of ten
)

func newBarChart(hist []classBucket) barChart {
	buckets := hist
	if n := len(hist); n > 0 && hist[n-1].Count <= chartGapless {
		// Every count from 1 up, so that an empty count shows as a gap.
		buckets = make([]classBucket, hist[n-1].Count)
		for i := range buckets {
			buckets[i].Count = i + 1
		}
		for _, b := range hist {
			buckets[b.Count-1].Visitors = b.Visitors
		}
	}
	most := 1
	for _, b := range buckets {
		most = max(most, b.Visitors)
	}
	c := barChart{
		Width:  2*chartLeftRight + chartBarStep*max(len(buckets), chartMinBars),
		Height: chartTop + chartPlot + chartBottom,
	}
	var parts []string
	for i, b := range buckets {
		h := b.Visitors * chartPlot / most
		x := chartLeftRight + i*chartBarStep + (chartBarStep-chartBarWidth)/2
		c.Bars = append(c.Bars, bar{
			Count: b.Count, Visitors: b.Visitors,
			X: x, Y: chartTop + chartPlot - h, W: chartBarWidth, H: h,
			LabelX: x + chartBarWidth/2, ValueY: chartTop + chartPlot - h - 8,
			CountY: chartTop + chartPlot + 20,
		})
		if b.Visitors > 0 {
			parts = append(parts, fmt.Sprintf("%d at %d click%s", b.Visitors, b.Count, plural(b.Count)))
		}
	}
	if len(parts) == 0 {
		c.Summary = "Visitors by number of clicks: nobody has clicked yet."
	} else {
		c.Summary = "Visitors by number of clicks: " + strings.Join(parts, ", ") + "."
	}
	return c
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
