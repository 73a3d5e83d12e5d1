package web

import (
	"image"
	"image/color"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

func TestClass_countsClicks(t *testing.T) {
	a := newApp(t)
	for n := 1; n <= 5; n++ {
		v := newVisitor(t, a)
		for range n {
			v.click()
		}
	}
	a.calls.Reset()
	var got classStats
	resp := newVisitor(t, a).do("GET", "/class", nil, true)
	decode(t, resp, http.StatusOK, &got)
	want := classStats{Sessions: 5, Clickers: 5, Clicks: 15, Histogram: []classBucket{
		{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if n := a.calls.Total(); n > 3 || a.calls.Calls()["Commit"] != 0 {
		t.Errorf("got Datastore calls %v, want at most 3 and no commit", a.calls.Calls())
	}
	if c := resp.Header.Values("Set-Cookie"); len(c) != 0 {
		t.Errorf("got Set-Cookie %q, want none", c)
	}
}

func TestClass_emptyClass(t *testing.T) {
	a := newApp(t)
	var got classStats
	newVisitor(t, a).getJSON("/class", http.StatusOK, &got)
	if want := (classStats{Histogram: []classBucket{}}); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestClass_offIsNotFound(t *testing.T) {
	cfg := testConfig(t)
	cfg.NoClassView = true
	a := startApp(t, cfg)
	v := newVisitor(t, a)
	v.getJSON("/class", http.StatusNotFound, nil)
	if resp := v.do("GET", "/class", nil, false); resp.StatusCode != http.StatusNotFound {
		t.Errorf("HTML: got status %d, want 404", resp.StatusCode)
	}
	if n := a.calls.Total(); n != 0 {
		t.Errorf("got Datastore calls %v, want none", a.calls.Calls())
	}
}

func TestClass_qrCodeIsTheAppsAddress(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	tests := []struct {
		name   string
		header http.Header
		want   string
	}{
		{"plain HTTP", nil, a.URL + "/"},
		{"behind App Engine's HTTPS front end", http.Header{"X-Forwarded-Proto": {"https"}}, "https://" + a.Listener.Addr().String() + "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans := v.sendWith("GET", "/class", nil, false, tt.header)
			if ans.err != nil || ans.status != http.StatusOK {
				t.Fatalf("got status %d, error %v; want 200", ans.status, ans.err)
			}
			if got := decodeQR(t, ans.body); got != tt.want {
				t.Errorf("the QR code reads %q, want %q", got, tt.want)
			}
		})
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

func TestClass_reloadsUnlessStopped(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	if got := v.do("GET", "/class", nil, false).Header.Get("Refresh"); got != "5" {
		t.Errorf("got Refresh %q, want 5", got)
	}
	if got := v.do("GET", "/class?refresh=off", nil, false).Header.Values("Refresh"); len(got) != 0 {
		t.Errorf("?refresh=off: got Refresh %q, want none", got)
	}
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
	tests := []struct {
		name       string
		hist       []classBucket
		wantCounts []int
		wantTitle  string
	}{
		{"empty", nil, nil, "nobody has clicked yet"},
		{"a gap shows", []classBucket{{1, 2}, {3, 1}}, []int{1, 2, 3}, "2 at 1 click, 1 at 3 clicks."},
		{"past the gapless range, counts some visitor has", []classBucket{{1, 1}, {100, 1}}, []int{1, 100}, "1 at 100 clicks."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newBarChart(tt.hist)
			var counts []int
			for _, b := range c.Bars {
				counts = append(counts, b.Count)
			}
			if !reflect.DeepEqual(counts, tt.wantCounts) {
				t.Errorf("got bars at counts %v, want %v", counts, tt.wantCounts)
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
