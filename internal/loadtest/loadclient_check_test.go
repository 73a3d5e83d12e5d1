//go:build linux

package loadtest

// Tests of visitor (loadclient_test.go), the load generator's own client:
// it must count as the browser does, or BenchmarkLoad's lost-click check
// would be checking the client. These tests run in make test; the benchmark
// does not.

import (
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestVisitor_keepsTheSessionAcrossRequests(t *testing.T) {
	v := newVisitors(t, appURL(t), 1)[0]
	ctx := context.Background()
	for range 3 {
		if _, err := v.counter(ctx, opClick); err != nil {
			t.Fatal(err)
		}
	}
	got, err := v.counter(ctx, opRead)
	if err != nil {
		t.Fatal(err)
	}
	if got != 3 {
		t.Errorf("count %d after 3 clicks, want 3", got)
	}
}

// An answer of unknown length, as Go's server sends an HTML page, is read
// whole, and the connection stays usable for the next request.
func TestVisitor_readsAChunkedAnswer(t *testing.T) {
	page := strings.Repeat("<p>lesson</p>\n", 1000)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for part := range strings.SplitSeq(page, "\n") {
			io.WriteString(w, part+"\n")
		}
	}))
	defer ts.Close()
	v := newVisitors(t, ts.URL, 1)[0]
	for i := range 2 {
		status, body, err := v.send(context.Background(), "GET", "/lesson", "", true)
		if err != nil || status != http.StatusOK || string(body) != page+"\n" {
			t.Fatalf("request %d: status %d, %d bytes, %v; want 200 and %d bytes", i, status, len(body), err, len(page)+1)
		}
	}
}

func TestVisitor_setCookie(t *testing.T) {
	for _, tc := range []struct {
		name, header string
		want         map[string]string
	}{
		{"set", "session=abc; Path=/; Max-Age=3600; HttpOnly", map[string]string{"old": "1", "session": "abc"}},
		{"replace", "old=2; Path=/", map[string]string{"old": "2"}},
		{"delete by Max-Age", "old=; Path=/; Max-Age=0", map[string]string{}},
		{"delete by negative Max-Age", "old=x; Max-Age=-1", map[string]string{}},
		{"delete by Expires", "old=x; Expires=Thu, 01 Jan 1970 00:00:01 GMT", map[string]string{}},
		{"keep an empty value", "old=", map[string]string{"old": ""}},
		{"Max-Age over a past Expires", "old=x; Max-Age=3600; Expires=Thu, 01 Jan 1970 00:00:01 GMT", map[string]string{"old": "x"}},
		{"Max-Age=0 over a future Expires", "old=x; Expires=Fri, 01 Jan 2100 00:00:00 GMT; Max-Age=0", map[string]string{}},
		{"keep by a future Expires", "old=x; Expires=Fri, 01 Jan 2100 00:00:00 GMT", map[string]string{"old": "x"}},
		{"no name", "=x", map[string]string{"old": "1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := &visitor{cookies: map[string]string{"old": "1"}}
			v.setCookie(tc.header)
			if !maps.Equal(v.cookies, tc.want) {
				t.Errorf("cookies %v, want %v", v.cookies, tc.want)
			}
		})
	}
}
