package web

import (
	"image"
	"image/color"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

func TestClass_offIsNotFound(t *testing.T) {
	cfg := testConfig(t)
	cfg.NoClassView = true
	a := startApp(t, cfg)
	v := newVisitor(t, a)
	v.getJSON("/class", http.StatusNotFound, nil)
	if got := v.send("GET", "/class", nil, false); got.status != http.StatusNotFound {
		t.Errorf("HTML: got status %d, want 404", got.status)
	}
	if n := a.calls.Total(); n != 0 {
		t.Errorf("got Datastore calls %v, want none", a.calls.Calls())
	}
}

// The QR code and the link give the address students open: the one the
// page was opened at, or, at a loopback one (make run on a laptop), this
// machine's address on its network, which phones on the same Wi-Fi reach.
// The page reloads itself every 5 s, unless ?refresh=off.
func TestClass_qrCodeIsTheAppsAddress(t *testing.T) {
	a := newApp(t)
	h := a.srv.Handler()
	lan := net.IPv4(192, 0, 2, 10) // a documentation address: nothing is sent to it
	tests := []struct {
		name     string
		host     string
		header   http.Header
		lan      net.IP
		want     string
		wantNote string
	}{
		{"a public host", "class.example.com", nil, lan, "http://class.example.com/", ""},
		{"behind App Engine's HTTPS front end", "class.example.com", http.Header{"X-Forwarded-Proto": {"https"}}, lan, "https://class.example.com/", ""},
		{"127.0.0.1 gives the LAN address", "127.0.0.1:8080", nil, lan, "http://192.0.2.10:8080/", "address on the local network"},
		{"localhost gives the LAN address", "localhost:8080", nil, lan, "http://192.0.2.10:8080/", "address on the local network"},
		{"[::1] gives the LAN address", "[::1]:8080", nil, lan, "http://192.0.2.10:8080/", "address on the local network"},
		{"loopback without a LAN address says so", "localhost:8080", nil, nil, "http://localhost:8080/", "phones cannot reach"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.srv.lanIP = func() net.IP { return tt.lan }
			r := httptest.NewRequest("GET", "/class", nil)
			r.Host = tt.host
			for k, v := range tt.header {
				r.Header[k] = v
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			page := w.Body.String()
			if w.Code != http.StatusOK || w.Header().Get("Refresh") != "5" {
				t.Fatalf("got status %d, Refresh %q; want 200, and 5; body %.300s", w.Code, w.Header().Get("Refresh"), page)
			}
			if got := decodeQR(t, page); got != tt.want {
				t.Errorf("the QR code reads %q, want %q", got, tt.want)
			}
			if link := `<a href="` + tt.want + `"><code>` + tt.want + `</code></a>`; !strings.Contains(page, link) {
				t.Errorf("the page has no link %s", link)
			}
			note := regexp.MustCompile(`(?s)<p class="small" id="address-note">(.*?)</p>`).FindStringSubmatch(page)
			switch {
			case tt.wantNote == "" && note != nil:
				t.Errorf("got a note on the address, want none: %q", note[1])
			case tt.wantNote != "" && (note == nil || !strings.Contains(note[1], tt.wantNote)):
				t.Errorf("got note %q, want one that says %q", note, tt.wantNote)
			}
		})
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/class?refresh=off", nil))
	if got := w.Header().Values("Refresh"); w.Code != http.StatusOK || len(got) != 0 {
		t.Errorf("?refresh=off: got %d with Refresh %q, want 200 with none", w.Code, got)
	}
}

// qrModule is one dark module of the page's QR code path (newQRSVG).
var qrModule = regexp.MustCompile(`M(\d+) (\d+)h1v1h-1z`)

// decodeQR draws the QR code of a class page, 8 pixels a module, and reads
// it with a QR decoder of its own (ZXing's port).
func decodeQR(tb testing.TB, page string) string {
	tb.Helper()
	size := regexp.MustCompile(`<svg viewBox="0 0 (\d+) `).FindStringSubmatch(page)
	if size == nil {
		tb.Fatal("the page has no QR code")
	}
	n, _ := strconv.Atoi(size[1])
	const scale = 8
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for _, m := range qrModule.FindAllStringSubmatch(page, -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		for dy := range scale {
			for dx := range scale {
				img.SetGray(x*scale+dx, y*scale+dy, color.Gray{})
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		tb.Fatalf("decode the QR code: %v", err)
	}
	return res.GetText()
}

func TestCountClicks_skipsVisitorsWithoutAClick(t *testing.T) {
	got := countClicks([]map[any]any{
		{"count": 2}, {"count": 2}, {"count": 7}, {}, {"secret": "3632"}, {"count": "x"},
	})
	want := classStats{Sessions: 6, Clickers: 3, Clicks: 11, Histogram: []classBucket{{2, 2}, {7, 1}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestNewBarChart(t *testing.T) {
	// Every count from 1 to 1,000, one visitor at each: the most distinct
	// counts /class reads (classLimit), as 40 ranges of 25.
	var spread []classBucket
	for c := 1; c <= classLimit; c++ {
		spread = append(spread, classBucket{c, 1})
	}
	tests := []struct {
		name       string
		hist       []classBucket
		wantLabels []string
		wantTitle  string
	}{
		{"empty", nil, nil, "nobody has clicked yet"},
		{"a gap shows", []classBucket{{1, 2}, {3, 1}}, []string{"1", "2", "3"}, "2 at 1 click, 1 at 3 clicks."},
		{"past the gapless range, counts some visitor has", []classBucket{{1, 1}, {100, 1}}, []string{"1", "100"}, "1 at 100 clicks."},
		{"more distinct counts than bars: ranges", spread, nil, "25 at 1–25 clicks, 25 at 26–50 clicks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newBarChart(tt.hist)
			var labels []string
			for _, b := range c.Bars {
				labels = append(labels, b.Label)
			}
			if tt.wantLabels != nil && !reflect.DeepEqual(labels, tt.wantLabels) || len(labels) > chartMaxBars {
				t.Errorf("got bars %v, want %v (at most %d)", labels, tt.wantLabels, chartMaxBars)
			}
			if !strings.Contains(c.Summary, tt.wantTitle) {
				t.Errorf("got summary %q, want it to contain %q", c.Summary, tt.wantTitle)
			}
		})
	}
}

func TestClassPage_saysAtLeastBeyondTheLimit(t *testing.T) {
	a := offlineApp(t)
	qr, err := newQRSVG("http://example.com/")
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	a.srv.renderPage(w, httptest.NewRequest("GET", "/class", nil), http.StatusOK, "class", classPage{
		pageData:   pageData{Nav: "class"},
		classStats: classStats{Sessions: 1000, Clickers: 900, Clicks: 2000, AtLeast: true},
		QR:         qr,
		Chart:      newBarChart(nil),
	})
	if body := w.Body.String(); !strings.Contains(body, "at least 1000") || !strings.Contains(body, "Only the 1,000 sessions") {
		t.Errorf("the page does not say \"at least\":\n%s", body)
	}
}

// /class counts the live sessions, the visitors who clicked and their
// clicks, by count. However many watch, an instance reads the figures once
// per refresh: 8 viewers at once, by GET, HEAD and JSON, share one query
// until the figures are classRefresh old.
func TestClass_countsClicksOneQueryPerRefreshHoweverManyWatch(t *testing.T) {
	a := newApp(t)
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	a.srv.class.now = func() time.Time { return time.Unix(0, now.Load()) }
	views := func() (got classStats) {
		var wg sync.WaitGroup
		for range 8 {
			v := newVisitor(t, a)
			wg.Go(func() {
				for _, view := range []struct {
					method string
					asJSON bool
				}{{"GET", false}, {"HEAD", false}, {"GET", true}} {
					if ans := v.send(view.method, "/class", nil, view.asJSON); ans.err != nil || ans.status != http.StatusOK {
						t.Errorf("%s /class: got %d (%v)", view.method, ans.status, ans.err)
					}
				}
			})
		}
		wg.Wait()
		newVisitor(t, a).getJSON("/class", http.StatusOK, &got)
		return got
	}
	if got, want := views(), (classStats{Histogram: []classBucket{}}); !reflect.DeepEqual(got, want) {
		t.Errorf("empty class: got %+v, want %+v", got, want)
	}
	for n := 1; n <= 5; n++ {
		v := newVisitor(t, a)
		for range n {
			v.click()
		}
	}
	if got := views(); got.Clicks != 0 {
		t.Errorf("within the refresh: got %d clicks, want the figures read before the clicks", got.Clicks)
	}
	if n := a.calls.Calls()["RunQuery"]; n != 1 {
		t.Errorf("50 views within the refresh: got %d queries, want 1", n)
	}
	now.Add(int64(classRefresh))
	want := classStats{Sessions: 5, Clickers: 5, Clicks: 15, Histogram: []classBucket{{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}}}
	if got := views(); !reflect.DeepEqual(got, want) {
		t.Errorf("after the refresh: got %+v, want %+v", got, want)
	}
	if n := a.calls.Calls()["RunQuery"]; n != 2 {
		t.Errorf("after the refresh: got %d queries in all, want 2", n)
	}
}
