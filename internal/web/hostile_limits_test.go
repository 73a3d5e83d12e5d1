package web

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// stalledBody is a request body of size bytes that hands out its first
// pause bytes slowly, then waits until released. A server that read bodies
// whole before answering would never answer while it waits.
type stalledBody struct {
	size, pause int64
	read        atomic.Int64 // bytes handed out so far
	release     chan struct{}
}

var errReleased = errors.New("body released")

func newStalledBody(size, pause int64) *stalledBody {
	return &stalledBody{size: size, pause: pause, release: make(chan struct{})}
}

func (b *stalledBody) Read(p []byte) (int, error) {
	n := b.read.Load()
	switch {
	case n >= b.size:
		return 0, io.EOF
	case n >= b.pause:
		<-b.release
		return 0, errReleased
	}
	time.Sleep(time.Millisecond)
	k := min(int64(len(p)), 4<<10, b.size-n, b.pause-n)
	for i := range p[:k] {
		p[i] = 'a' // a form of one long field name
	}
	b.read.Add(k)
	return int(k), nil
}

// postStalled posts body to path over a raw connection, declaring its
// length or sending it chunked, and returns the answer the server gives
// while the body is still stalled, with how much of the body was sent.
func postStalled(t *testing.T, base, path, cookie string, body *stalledBody, chunked bool) (*http.Response, int64) {
	t.Helper()
	u, _ := url.Parse(base)
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	defer close(body.release)
	var head strings.Builder
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\n", path, u.Host)
	head.WriteString("Content-Type: application/x-www-form-urlencoded\r\n")
	if cookie != "" {
		fmt.Fprintf(&head, "Cookie: %s\r\n", cookie)
	}
	if chunked {
		head.WriteString("Transfer-Encoding: chunked\r\n\r\n")
	} else {
		fmt.Fprintf(&head, "Content-Length: %d\r\n\r\n", body.size)
	}
	if _, err := io.WriteString(c, head.String()); err != nil {
		t.Fatal(err)
	}
	go func() {
		var w io.Writer = c
		if chunked {
			w = httputil.NewChunkedWriter(c)
		}
		io.Copy(w, body) // ends when the body is released or the connection closed
	}()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("POST %s: no answer while the body was stalled after %d bytes: %v", path, body.read.Load(), err)
	}
	sent := body.read.Load()
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, sent
}

func TestHostile_oversizedBodyIsRefusedUnread(t *testing.T) {
	const size, pause = 10 << 20, 1 << 20
	a := newApp(t)
	p := newPlayer(t, a, 2)
	cookie := p.cookieHeader()
	for _, chunked := range []bool{false, true} {
		for _, r := range postRequests(t) {
			name := map[bool]string{false: "Content-Length 10 MiB", true: "chunked"}[chunked]
			body := newStalledBody(size, pause)
			resp, sent := postStalled(t, a.URL, r.path, cookie, body, chunked)
			ok := resp.StatusCode == http.StatusRequestEntityTooLarge ||
				(chunked && resp.StatusCode == http.StatusBadRequest)
			if !ok {
				t.Errorf("%s to %s: got %d, want 413", name, r.path, resp.StatusCode)
			}
			t.Logf("%s to %s: %d after %d KiB of %d KiB sent", name, r.path, resp.StatusCode, sent>>10, int64(size)>>10)
		}
	}
	checkUnchanged(t, p)
}

func TestHostile_chunkedFormUnderTheLimitWorks(t *testing.T) {
	a := newApp(t)
	v := newVisitor(t, a)
	// A reader of unknown length makes the client send the body chunked.
	body := io.MultiReader(strings.NewReader("guess=3456&pad="), strings.NewReader(strings.Repeat("a", 60<<10)))
	req, err := http.NewRequest("POST", a.URL+"/mastermind/guess", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := v.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var g gameJSON
	decode(t, resp, http.StatusOK, &g)
	if len(g.Turns) != 1 || g.Turns[0].Guess != "3456" {
		t.Errorf("got turns %+v, want the one guess 3456", g.Turns)
	}
}

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

func TestHostile_abandonedBodyChangesNothing(t *testing.T) {
	a := newApp(t)
	p := newPlayer(t, a, 2)
	cookie := p.cookieHeader()
	// Every state-changing route, its body cut short after the form: a
	// Content-Length 50 bytes longer, or a first chunk and no last one.
	var conns []net.Conn
	for _, chunked := range []bool{false, true} {
		for _, r := range postRequests(t) {
			form := r.form.Encode()
			conns = append(conns, startPost(t, a.URL, r.path, cookie, form, len(form)+50, chunked))
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
	checkUnchanged(t, p)
}

func TestHostile_slowBodyIsWaitedFor(t *testing.T) {
	a := newApp(t)
	p := newPlayer(t, a, 1)
	cookie := p.cookieHeader()
	const form = "a=1&b=2"
	c := startPost(t, a.URL, "/counter", cookie, form[:3], len(form), false)
	time.Sleep(200 * time.Millisecond)
	if _, err := io.WriteString(c, form[3:]); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"count":2`) {
		t.Errorf("got %d %s, want 200 and count 2", resp.StatusCode, body)
	}
}

// A body that stalls past the server's ReadTimeout is the client's fault:
// 400, as docs/http.md says, not the 503 of a Datastore that does not
// answer (the read's end also cancels the request's context).
func TestHostile_stalledBodyIs400(t *testing.T) {
	srv := newTestServer(t, testConfig(t), nil, slog.New(slog.DiscardHandler))
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Config.ReadTimeout = 300 * time.Millisecond
	ts.Start()
	t.Cleanup(ts.Close)
	for _, chunked := range []bool{false, true} {
		c := startPost(t, ts.URL, "/counter", "", "a=1", 100, chunked)
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("chunked %v: no answer: %v", chunked, err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "did not arrive whole") {
			t.Errorf("chunked %v: got %d %s, want 400 saying the body did not arrive whole", chunked, resp.StatusCode, body)
		}
	}
}
