//go:build linux

package loadtest

// visitor is one browser of the benchmarks: its own cookies, kept as a
// browser keeps them for one host, and its own kept-alive connection, on
// which it writes its requests as bytes and reads the answers with just
// enough parsing for the app's JSON and pages (a Content-Length or chunks).
// This lean HTTP/1.1 client exists because the visitors of the benchmarks
// run on the same two cores as the server and the emulator: net/http's
// client with a cookie jar spent 62–73 µs of CPU per request there at 16
// visitors, time taken from the server that a visitor's browser, on a
// machine of its own, never takes; this one spends 33–35 µs, half as much
// (docs/benchmarks.md, "What each change did", says how to measure
// net/http's again).

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

type visitor struct {
	addr    string // host:port
	conn    net.Conn
	br      *bufio.Reader
	buf     []byte            // the request being written
	cookies map[string]string // name → value, for the one host
	// received counts the bytes of every answer, status line and headers
	// included: what the server sends (BenchmarkRates' bytes sent).
	received int64
	clicks   int // clicks answered 200 (lostClicks)
}

// counted counts what is read through it into *n.
type counted struct {
	net.Conn
	n *int64
}

func (c counted) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	*c.n += int64(n)
	return n, err
}

// newVisitors returns n visitors of the server at base (http://host:port),
// each without cookies or connection yet, closed when tb ends.
func newVisitors(tb testing.TB, base string, n int) []*visitor {
	tb.Helper()
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" {
		tb.Fatalf("visitors: base URL %q is not http://host:port", base)
	}
	vs := make([]*visitor, n)
	for i := range vs {
		vs[i] = &visitor{addr: u.Host, cookies: map[string]string{}}
	}
	tb.Cleanup(func() {
		for _, v := range vs {
			v.close()
		}
	})
	return vs
}

func (v *visitor) close() {
	if v.conn != nil {
		v.conn.Close()
		v.conn = nil
	}
}

// send makes one request, asking for the page when html is set and for the
// JSON answer otherwise (as the pages' scripts do), with form as its body
// (a POST's, url-encoded), and returns the answer's status and body.
//
// It dials when it has no connection: at first, and after a failed request
// or an answer that closed the connection. A request on a kept-alive
// connection that the server closed while it was idle fails, where
// net/http's client would have noticed the close and dialled again: the
// server closes a connection idle for 2 minutes (IdleTimeout in main.go),
// far longer than any pause in the benchmarks, and a request that fails
// fails the run.
func (v *visitor) send(ctx context.Context, method, path, form string, html bool) (int, []byte, error) {
	if v.conn == nil {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", v.addr)
		if err != nil {
			return 0, nil, err
		}
		v.conn = conn
		v.br = bufio.NewReaderSize(counted{conn, &v.received}, 8<<10)
	}
	status, body, err := v.roundTrip(ctx, method, path, form, html)
	if err != nil {
		v.close()
	}
	return status, body, err
}

// roundTrip writes the request and reads the answer.
func (v *visitor) roundTrip(ctx context.Context, method, path, form string, html bool) (status int, body []byte, err error) {
	// 15 s, or sooner if ctx ends sooner: ctx is the whole run's, bounded
	// by minutes.
	deadline := time.Now().Add(15 * time.Second)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	v.conn.SetDeadline(deadline)

	b := v.buf[:0]
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, v.addr...)
	b = append(b, "\r\n"...)
	if !html {
		b = append(b, "Accept: application/json\r\n"...)
	}
	if method == "POST" {
		b = append(b, "Content-Type: application/x-www-form-urlencoded\r\n"...)
	}
	if len(v.cookies) > 0 {
		b = append(b, "Cookie: "...)
		first := true
		for name, value := range v.cookies {
			if !first {
				b = append(b, "; "...)
			}
			first = false
			b = append(b, name...)
			b = append(b, '=')
			b = append(b, value...)
		}
		b = append(b, "\r\n"...)
	}
	if method != "GET" {
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, int64(len(form)), 10)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	b = append(b, form...)
	v.buf = b
	if _, err := v.conn.Write(b); err != nil {
		return 0, nil, fmt.Errorf("visitor: write: %w", err)
	}

	line, err := v.line()
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return 0, nil, err
	}
	// "HTTP/1.1 200 OK"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, nil, fmt.Errorf("visitor: bad status line %q", line)
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, nil, fmt.Errorf("visitor: bad status line %q", line)
	}
	length, closing, chunked := -1, false, false
	for {
		line, err := v.line()
		if err != nil {
			return 0, nil, err
		}
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, nil, fmt.Errorf("visitor: bad header line %q", line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return 0, nil, fmt.Errorf("visitor: bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Set-Cookie")):
			v.setCookie(string(value))
		case bytes.EqualFold(name, []byte("Connection")):
			closing = bytes.EqualFold(value, []byte("close"))
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			if !bytes.EqualFold(value, []byte("chunked")) {
				return 0, nil, fmt.Errorf("visitor: Transfer-Encoding %q: this client reads only chunked answers or answers with a Content-Length", value)
			}
			chunked = true
		}
	}
	switch {
	case chunked:
		// Go's server chunks an answer it did not know the length of
		// before it had written 2 KiB of it: the HTML pages.
		if body, err = v.chunks(); err != nil {
			return 0, nil, err
		}
	case length < 0:
		return 0, nil, errors.New("visitor: answer without Content-Length")
	default:
		body = make([]byte, length)
		if _, err := io.ReadFull(v.br, body); err != nil {
			return 0, nil, err
		}
	}
	if closing {
		v.close()
	}
	return status, body, nil
}

// chunks reads a chunked body (RFC 9112, section 7.1) to its end; chunk
// extensions and trailers are skipped.
func (v *visitor) chunks() ([]byte, error) {
	var body []byte
	for {
		line, err := v.line()
		if err != nil {
			return nil, err
		}
		size, _, _ := bytes.Cut(line, []byte(";"))
		n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 32)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("visitor: bad chunk size %q", line)
		}
		if n == 0 {
			for { // the trailers, up to the empty line
				if line, err := v.line(); err != nil || len(line) == 0 {
					return body, err
				}
			}
		}
		body = append(body, make([]byte, n)...)
		if _, err := io.ReadFull(v.br, body[len(body)-int(n):]); err != nil {
			return nil, err
		}
		if line, err := v.line(); err != nil || len(line) != 0 {
			return nil, fmt.Errorf("visitor: chunk of %d bytes not followed by CRLF: %q, %v", n, line, err)
		}
	}
}

// line reads one header line without its CRLF.
func (v *visitor) line() ([]byte, error) {
	line, err := v.br.ReadSlice('\n')
	if err != nil {
		return line, err
	}
	return bytes.TrimRight(line, "\r\n"), nil
}

// setCookie keeps or deletes a cookie as a browser would for this one host
// (RFC 6265, section 5): a Max-Age ≤ 0 deletes it or, when there is no
// Max-Age, an Expires in the past does; Max-Age takes precedence over
// Expires. An empty value is a value like another: the cookie is kept, as
// browsers keep it. A header http.ParseSetCookie rejects, such as one
// without a name, is ignored. Domain and Path are not checked: the visitor
// talks to one host and the app sets every cookie on "/".
//
// http.ParseSetCookie costs about 0.7 µs more per header than the parser
// written here before it (median 1.34 against 0.61 µs, 12 allocations
// against 5, on a 232-byte header: a 138-byte value with Path, Expires,
// Max-Age, HttpOnly and SameSite; go1.26.8, this machine). Only a click's
// answer, 1 request in 4, sets a cookie, so that is under 0.2 µs a request
// of the client's ~33: too little for a parser of our own.
func (v *visitor) setCookie(header string) {
	cookie, err := http.ParseSetCookie(header)
	if err != nil {
		return
	}
	// MaxAge < 0 is a Max-Age ≤ 0, and 0 is no Max-Age.
	if cookie.MaxAge < 0 || cookie.MaxAge == 0 && !cookie.Expires.IsZero() && !cookie.Expires.After(time.Now()) {
		delete(v.cookies, cookie.Name)
	} else {
		v.cookies[cookie.Name] = cookie.Value
	}
}
