package dstest_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/gae-lessons/sessions-go/internal/dstest"
)

// echoServer answers every line it reads with the same line.
func echoServer(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return l.Addr().String()
}

// conn is a line-oriented client of the echo server.
type conn struct {
	net.Conn
	r *bufio.Reader
}

func dial(tb testing.TB, addr string) *conn {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatalf("dial %s: %v", addr, err)
	}
	tb.Cleanup(func() { c.Close() })
	return &conn{c, bufio.NewReader(c)}
}

// echo sends line and returns what comes back, or the error; it waits at
// most wait.
func (c *conn) echo(line string, wait time.Duration) (string, error) {
	c.SetDeadline(time.Now().Add(wait))
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		return "", err
	}
	got, err := c.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return got[:len(got)-1], nil
}

// echoOnce dials addr and echoes one line: the error is the dial's or
// the echo's.
func echoOnce(addr, line string) (string, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	return (&conn{c, bufio.NewReader(c)}).echo(line, 10*time.Second)
}

// waitStalled waits (boundedly) until the proxy holds something back.
func waitStalled(t *testing.T, p *dstest.Proxy) {
	t.Helper()
	for range 500 {
		if p.Stalled() > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("Hang is holding nothing back after 5s")
}

func TestProxy_passForwards(t *testing.T) {
	p := dstest.StartProxy(t, echoServer(t))
	c := dial(t, p.Addr())
	for _, want := range []string{"hello", "again"} {
		if got, err := c.echo(want, 10*time.Second); err != nil || got != want {
			t.Errorf("echo: got %q, %v; want %q", got, err, want)
		}
	}
}

func TestProxy_refuseClosesExistingAndNewConnections(t *testing.T) {
	p := dstest.StartProxy(t, echoServer(t))
	existing := dial(t, p.Addr())
	if _, err := existing.echo("before", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	p.Set(dstest.Refuse)
	if got, err := existing.echo("during", 10*time.Second); err == nil {
		t.Errorf("existing connection: got echo %q, want it closed", got)
	}
	if got, err := echoOnce(p.Addr(), "new"); err == nil {
		t.Errorf("new connection: got echo %q, want it refused or closed", got)
	}
	p.Set(dstest.Pass)
	if got, err := dial(t, p.Addr()).echo("after", 10*time.Second); err != nil || got != "after" {
		t.Errorf("after Pass: got %q, %v; want %q", got, err, "after")
	}
}

func TestProxy_hangHoldsTrafficUntilPass(t *testing.T) {
	p := dstest.StartProxy(t, echoServer(t))
	existing := dial(t, p.Addr())
	if _, err := existing.echo("before", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	p.Set(dstest.Hang)
	got, err := existing.echo("held", 200*time.Millisecond)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("during Hang: got %q, %v; want no answer", got, err)
	}
	waitStalled(t, p)
	fresh := dial(t, p.Addr())
	if got, err := fresh.echo("new", 200*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("new connection during Hang: got %q, %v; want no answer", got, err)
	}

	p.Set(dstest.Pass)
	existing.SetDeadline(time.Now().Add(10 * time.Second))
	if got, err := existing.r.ReadString('\n'); err != nil || got != "held\n" {
		t.Errorf("held bytes after Pass: got %q, %v; want %q", got, err, "held\n")
	}
	fresh.SetDeadline(time.Now().Add(10 * time.Second))
	if got, err := fresh.r.ReadString('\n'); err != nil || got != "new\n" {
		t.Errorf("new connection after Pass: got %q, %v; want %q", got, err, "new\n")
	}
	if n := p.Stalled(); n != 0 {
		t.Errorf("got %d stalled after Pass, want 0", n)
	}
}
