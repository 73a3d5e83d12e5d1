package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/skip2/go-qrcode"
)

const (
	// classLimit is how many sessions /class reads at most: those that
	// expire last, the visitors of the last minutes. One query of 1,000
	// entities keeps the page cheap on a big public deployment; with more,
	// the page says "at least".
	classLimit = 1000
	// classRefresh is how often the class view reloads itself, and how long
	// an instance shares one reading of the figures among its viewers.
	classRefresh = 5 * time.Second
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
	// Loopback: the page was opened at a loopback address, which phones
	// cannot reach; Address is then this machine's LAN address, or the
	// loopback one when LAN is false (it has none).
	Loopback, LAN bool
	QR            qrSVG
	Chart         barChart
	Refresh       bool
	RefreshEvery  int // seconds
}

// handleClass shows the instructor's screen: a QR code of the app's
// address for the students' phones, and the class's clicks. It reads no
// visitor's session and writes nothing; its figures are shared by every
// viewer of the instance for classRefresh (classFigures).
func (s *Server) handleClass(w http.ResponseWriter, r *http.Request) {
	if s.cfg.NoClassView {
		s.fail(w, r, errNotFound)
		return
	}
	site, err := s.siteAddress(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stats, err := s.class.get(r.Context(), s.readClass)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, stats)
		return
	}
	qr, err := newQRSVG(site.url)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The page reloads itself with a Refresh header, which browsers treat
	// as <meta http-equiv="refresh">: no script, so the CSP stays as it is.
	// ?refresh=off stops it (WCAG 2.2.1: a time limit the user can turn off).
	refresh := r.URL.Query().Get("refresh") != "off"
	if refresh {
		w.Header().Set("Refresh", strconv.Itoa(int(classRefresh/time.Second)))
	}
	s.renderPage(w, r, http.StatusOK, "class", classPage{
		pageData:     pageData{Nav: "class"},
		classStats:   stats,
		Address:      site.url,
		Loopback:     site.loopback,
		LAN:          site.lan,
		QR:           qr,
		Chart:        newBarChart(stats.Histogram),
		Refresh:      refresh,
		RefreshEvery: int(classRefresh / time.Second),
	})
}

// readClass reads the class's figures: one query of at most classLimit+1
// sessions.
func (s *Server) readClass(ctx context.Context) (classStats, error) {
	st, err := s.store(ctx)
	if err != nil {
		return classStats{}, err
	}
	values, more, err := st.Sessions(ctx, classLimit)
	if err != nil {
		return classStats{}, err
	}
	stats := countClicks(values)
	stats.AtLeast = more
	return stats, nil
}

// classFigures shares /class's figures among every viewer of an instance:
// a reading (or its failure) serves every request for maxAge, and while
// one is under way, the viewers that come meanwhile wait for it instead of
// making their own. So /class costs at most one query per maxAge per
// instance, for one viewer or a thousand, GET, HEAD or JSON alike. The
// figures are counts over every visitor, nobody's own. (x/sync/singleflight
// shares a call in flight but keeps no result once it returns, so the
// figures and their age would be kept here all the same; the channel it
// would replace is four lines.)
type classFigures struct {
	maxAge time.Duration
	now    func() time.Time // nil: time.Now

	mu      sync.Mutex
	stats   classStats
	err     error
	at      time.Time     // when stats or err were read; zero: never
	reading chan struct{} // closed when the reading under way ends; nil: none
}

// get returns the figures, reading them with read when the last reading is
// older than maxAge. The reading runs apart from the request, on its
// context's values without its cancellation, so a viewer who leaves does
// not fail it for the others; a viewer gives up waiting when ctx ends.
func (f *classFigures) get(ctx context.Context, read func(context.Context) (classStats, error)) (classStats, error) {
	f.mu.Lock()
	if !f.at.IsZero() && f.clock().Sub(f.at) < f.maxAge {
		defer f.mu.Unlock()
		return f.stats, f.err
	}
	if f.reading == nil {
		reading := make(chan struct{})
		f.reading = reading
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), requestTimeout)
		go func() {
			defer cancel()
			stats, err := read(rctx)
			f.mu.Lock()
			f.stats, f.err, f.at, f.reading = stats, err, f.clock(), nil
			f.mu.Unlock()
			close(reading)
		}()
	}
	reading := f.reading
	f.mu.Unlock()
	select {
	case <-reading:
	case <-ctx.Done():
		return classStats{}, fmt.Errorf("web: wait for the class's figures: %w", ctx.Err())
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stats, f.err
}

func (f *classFigures) clock() time.Time {
	if f.now != nil {
		return f.now()
	}
	return time.Now()
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

// site is the address students open, as /class shows it.
type site struct {
	url string
	// loopback: the request came to a loopback address; lan: url is then
	// this machine's LAN address instead.
	loopback, lan bool
}

// siteAddress is the address students open: the request's scheme and host.
// Behind App Engine's front end the request is plain HTTP, and
// X-Forwarded-Proto says what the browser used. A loopback host (an
// instructor running make run on a laptop) is one no phone can reach:
// then it is this machine's LAN address on the same port, if it has one.
func (s *Server) siteAddress(r *http.Request) (site, error) {
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
		return site{}, errBadHost
	}
	host, port := r.Host, ""
	if h, p, err := net.SplitHostPort(r.Host); err == nil {
		host, port = h, p
	}
	if !isLoopback(host) {
		return site{url: scheme + "://" + r.Host + "/"}, nil
	}
	ip := s.lanIP()
	if ip == nil {
		return site{url: scheme + "://" + r.Host + "/", loopback: true}, nil
	}
	hostport := ip.String()
	if port != "" {
		hostport = net.JoinHostPort(hostport, port)
	}
	return site{url: scheme + "://" + hostport + "/", loopback: true, lan: true}, nil
}

// isLoopback reports whether host names this machine only: localhost, a
// name under .localhost, or a loopback IP.
func isLoopback(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// lanIPv4 returns an IPv4 address of this machine that other machines on
// its network can reach: of an interface that is up and not loopback, not
// link-local, a private one (a home or school Wi-Fi) first. Nil if none.
func lanIPv4() net.IP {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var found net.IP
	for _, iface := range ifaces {
		if iface.Flags&net.FlagUp == 0 || iface.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := iface.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			n, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			ip := n.IP.To4()
			if ip == nil || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() {
				continue
			}
			if ip.IsPrivate() {
				return ip
			}
			if found == nil {
				found = ip
			}
		}
	}
	return found
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

// bar is one bar: the count (or range of counts) under it, the visitors
// above it.
type bar struct {
	Label          string
	Visitors       int
	X, Y, W, H     int
	LabelX, ValueY int
	CountY         int
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
	// chartMaxBars bounds the chart, and so the page: beyond it, the bars
	// are ranges of counts of one width.
	chartMaxBars = 40
)

// newBarChart lays out the histogram: every count from 1 up to
// chartGapless, so that an empty count shows as a gap; above, the counts
// some visitor has; and when those are more than chartMaxBars, ranges of
// counts, at most chartMaxBars of them, so that however many visitors
// click however often, the page stays the same size.
func newBarChart(hist []classBucket) barChart {
	type column struct {
		label    string
		visitors int
	}
	var columns []column
	for _, b := range hist {
		columns = append(columns, column{strconv.Itoa(b.Count), b.Visitors})
	}
	n := len(hist)
	switch {
	case n > 0 && hist[n-1].Count <= chartGapless:
		columns = make([]column, hist[n-1].Count)
		for i := range columns {
			columns[i].label = strconv.Itoa(i + 1)
		}
		for _, b := range hist {
			columns[b.Count-1].visitors = b.Visitors
		}
	case n > chartMaxBars:
		width := (hist[n-1].Count + chartMaxBars - 1) / chartMaxBars
		columns = make([]column, (hist[n-1].Count+width-1)/width)
		for i := range columns {
			columns[i].label = fmt.Sprintf("%d–%d", i*width+1, (i+1)*width)
		}
		for _, b := range hist {
			columns[(b.Count-1)/width].visitors += b.Visitors
		}
	}
	most := 1
	for _, c := range columns {
		most = max(most, c.visitors)
	}
	c := barChart{
		Width:  2*chartLeftRight + chartBarStep*max(len(columns), chartMinBars),
		Height: chartTop + chartPlot + chartBottom,
	}
	var parts []string
	for i, col := range columns {
		h := col.visitors * chartPlot / most
		x := chartLeftRight + i*chartBarStep + (chartBarStep-chartBarWidth)/2
		c.Bars = append(c.Bars, bar{
			Label: col.label, Visitors: col.visitors,
			X: x, Y: chartTop + chartPlot - h, W: chartBarWidth, H: h,
			LabelX: x + chartBarWidth/2, ValueY: chartTop + chartPlot - h - 8,
			CountY: chartTop + chartPlot + 20,
		})
		if col.visitors > 0 {
			parts = append(parts, fmt.Sprintf("%d at %s click%s", col.visitors, col.label, plural(col.label)))
		}
	}
	if len(parts) == 0 {
		c.Summary = "Visitors by number of clicks: nobody has clicked yet."
	} else {
		c.Summary = "Visitors by number of clicks: " + strings.Join(parts, ", ") + "."
	}
	return c
}

func plural(label string) string {
	if label == "1" {
		return ""
	}
	return "s"
}
