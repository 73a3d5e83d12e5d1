package web

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// cookieHeader is the Cookie header v's requests carry, for requests
// written by hand.
func (v *visitor) cookieHeader() string {
	var h []string
	for _, c := range v.cookies() {
		h = append(h, c.Name+"="+c.Value)
	}
	return strings.Join(h, "; ")
}

// startPost sends the head of a POST to path over a raw connection and the
// first part of its body: with Content-Length declared, or chunked with
// part as the first chunk. The rest is the caller's to send, or not.
func startPost(t *testing.T, base, path, cookie, part string, declared int, chunked bool) net.Conn {
	t.Helper()
	u, _ := url.Parse(base)
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var req strings.Builder
	fmt.Fprintf(&req, "POST %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\n", path, u.Host)
	req.WriteString("Content-Type: application/x-www-form-urlencoded\r\n")
	if cookie != "" {
		fmt.Fprintf(&req, "Cookie: %s\r\n", cookie)
	}
	switch {
	case chunked && part == "":
		// No chunk at all: a chunk of length 0 would end the body.
		req.WriteString("Transfer-Encoding: chunked\r\n\r\n")
	case chunked:
		fmt.Fprintf(&req, "Transfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", len(part), part)
	default:
		fmt.Fprintf(&req, "Content-Length: %d\r\n\r\n%s", declared, part)
	}
	if _, err := io.WriteString(c, req.String()); err != nil {
		t.Fatal(err)
	}
	return c
}

// readAnswer reads the answer to the request sent on c, the body whole.
func readAnswer(t *testing.T, c net.Conn) (status int, body string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// A body over the limit is refused before it has arrived: at once when its
// Content-Length says so, else once the limit is read. The client sends
// nothing past the limit and waits, so an answer proves that the server did
// not wait for the rest. A chunked form under the limit is read whole.
func TestHostile_oversizedBodyIsRefusedUnread(t *testing.T) {
	// At debug level the access log wraps the writer; the bound must
	// still close the connection rather than read on.
	for _, a := range []*app{newApp(t), debugApp(t)} {
		p := newPlayer(t, a, 2)
		overLimit := strings.Repeat("a", maxBody+1) // a form of one long field name
		for _, r := range samplesOf(t, isPost) {
			for _, chunked := range []bool{false, true} {
				part := ""
				if chunked {
					part = overLimit
				}
				c := startPost(t, a.URL, r.path, p.cookieHeader(), part, 10<<20, chunked)
				if status, body := readAnswer(t, c); status != http.StatusRequestEntityTooLarge {
					t.Errorf("POST %s, chunked %v: got %d %.200s, want 413", r.path, chunked, status, body)
				}
			}
		}
		checkUnchanged(t, "after oversized bodies", p)

		c := startPost(t, a.URL, "/mastermind/guess", "", "guess=3456&pad="+strings.Repeat("a", 60<<10), 0, true)
		if _, err := io.WriteString(c, "0\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		status, body := readAnswer(t, c)
		var g gameJSON
		if err := json.Unmarshal([]byte(body), &g); err != nil || status != http.StatusOK || len(g.Turns) != 1 || g.Turns[0].Guess != "3456" {
			t.Errorf("a chunked form under the limit: got %d %.200s, want 200 with the one guess 3456", status, body)
		}
	}
}

func TestHostile_abandonedBodyChangesNothing(t *testing.T) {
	t.Parallel() // it mostly waits
	a := newApp(t)
	p := newPlayer(t, a, 2)
	// Every state-changing route, its body cut short after the form: a
	// Content-Length 50 bytes longer, or a first chunk and no last one.
	var conns []net.Conn
	for _, chunked := range []bool{false, true} {
		for _, r := range samplesOf(t, isPost) {
			form := r.form.Encode()
			conns = append(conns, startPost(t, a.URL, r.path, p.cookieHeader(), form, len(form)+50, chunked))
		}
	}
	// Half a second is ample for a handler that ran on the headers alone
	// to change the state (a click takes milliseconds); then the clients
	// give up, and the state must be as it was. Whether an answer came
	// proves nothing: Go's server reads what is left of a body before it
	// writes one, handler or not.
	time.Sleep(500 * time.Millisecond)
	for _, c := range conns {
		c.Close()
	}
	checkUnchanged(t, "after abandoned bodies", p)
}

func TestHostile_slowBodyIsWaitedFor(t *testing.T) {
	t.Parallel() // it mostly waits
	a := newApp(t)
	p := newPlayer(t, a, 1)
	const form = "a=1&b=2"
	c := startPost(t, a.URL, "/counter", p.cookieHeader(), form[:3], len(form), false)
	time.Sleep(200 * time.Millisecond)
	if _, err := io.WriteString(c, form[3:]); err != nil {
		t.Fatal(err)
	}
	if status, body := readAnswer(t, c); status != http.StatusOK || !strings.Contains(body, `"count":2`) {
		t.Errorf("got %d %s, want 200 and count 2", status, body)
	}
}

// A body that stalls past the server's ReadTimeout is the client's fault:
// 400, as docs/http.md says, not the 503 of a Datastore that does not
// answer (the read's end also cancels the request's context).
func TestHostile_stalledBodyIs400(t *testing.T) {
	t.Parallel() // it mostly waits
	ts := httptest.NewUnstartedServer(offlineApp(t).srv.Handler())
	ts.Config.ReadTimeout = 300 * time.Millisecond
	ts.Start()
	t.Cleanup(ts.Close)
	for _, chunked := range []bool{false, true} {
		c := startPost(t, ts.URL, "/counter", "", "a=1", 100, chunked)
		if status, body := readAnswer(t, c); status != http.StatusBadRequest || !strings.Contains(body, "did not arrive whole") {
			t.Errorf("chunked %v: got %d %s, want 400 saying the body did not arrive whole", chunked, status, body)
		}
	}
}
