package dstest

import (
	"fmt"
	"net"
	"sync"
	"testing"
)

// ProxyMode is what the proxy does with traffic.
type ProxyMode int

const (
	// Pass forwards traffic both ways. Switching to Pass resumes the
	// connections a Hang held, and lets new connections through.
	Pass ProxyMode = iota
	// Refuse closes every existing connection at once and closes each new
	// one as soon as it is accepted, as a server that is down would.
	Refuse
	// Hang accepts connections but forwards nothing either way, as a server
	// that stopped answering would: new connections are not forwarded, and
	// existing ones stop, each holding at most the one chunk it was reading.
	// Nothing is lost: Pass delivers the held bytes.
	Hang
)

func (m ProxyMode) String() string {
	switch m {
	case Pass:
		return "Pass"
	case Refuse:
		return "Refuse"
	case Hang:
		return "Hang"
	}
	return fmt.Sprintf("ProxyMode(%d)", int(m))
}

// Proxy is a TCP proxy for tests that breaks the way to its upstream (an
// emulator) on demand, to show what a client does when its server goes away
// (Refuse) or stops answering (Hang), and that it recovers once the way is
// open again (Pass).
//
// It listens on a free loopback port and forwards every connection to one
// upstream address. The mode can be changed at any time and applies at once
// to new and existing connections. It is a test tool: it holds every
// connection in memory and makes no attempt at speed. Its methods are safe
// for concurrent use.
type Proxy struct {
	upstream string
	l        net.Listener
	wg       sync.WaitGroup

	mu      sync.Mutex
	mode    ProxyMode
	changed chan struct{} // closed, and replaced, whenever mode changes
	closed  bool
	conns   map[net.Conn]struct{} // both ends of every live link
	stalled int                   // chunks on their way upstream (and connections) held by Hang
}

// Start starts a proxy to upstream (host:port) in Pass mode. It stops when
// the test ends.
func StartProxy(tb testing.TB, upstream string) *Proxy {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("dstest: proxy: listen: %v", err)
	}
	p := &Proxy{
		upstream: upstream,
		l:        l,
		changed:  make(chan struct{}),
		conns:    map[net.Conn]struct{}{},
	}
	p.wg.Add(1)
	go p.accept()
	tb.Cleanup(p.Close)
	return p
}

// Addr returns the proxy's address (host:port), to use instead of the
// upstream's.
func (p *Proxy) Addr() string { return p.l.Addr().String() }

// Set switches the proxy to mode m.
func (p *Proxy) Set(m ProxyMode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == m {
		return
	}
	p.mode = m
	close(p.changed)
	p.changed = make(chan struct{})
	if m == Refuse {
		for c := range p.conns {
			c.Close()
		}
	}
}

// Stalled returns how many chunks of traffic on their way upstream, and new
// connections, Hang is holding back right now. A test that switched to Hang
// waits for it to be non-zero to know that a request is on its way and
// stuck. Chunks on their way back are held but not counted: an answer's
// last frames (an HTTP/2 PING's ack) may still be under way when a test
// switches to Hang, and a loaded machine once fired a test's SIGTERM on
// one of them, before its request was sent.
func (p *Proxy) Stalled() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stalled
}

// Close stops the proxy and closes every connection.
func (p *Proxy) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	close(p.changed)
	p.changed = make(chan struct{})
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.l.Close()
	p.wg.Wait()
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		if !p.track(c) {
			continue
		}
		p.wg.Add(1)
		go p.link(c)
	}
}

// track registers a live connection; it refuses (closes) c when the proxy
// is in Refuse mode or closed.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.mode == Refuse {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) // reset, not a polite close
		}
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		delete(p.conns, c)
		c.Close()
	}
}

// link forwards one client connection to the upstream, once the mode lets it.
func (p *Proxy) link(client net.Conn) {
	defer p.wg.Done()
	if !p.gate(true) {
		p.untrack(client)
		return
	}
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		p.untrack(client)
		return
	}
	if !p.track(up) {
		p.untrack(client)
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { p.pump(up, client, true) })
	wg.Go(func() { p.pump(client, up, false) })
	wg.Wait()
	p.untrack(client, up)
}

// pump copies src to dst, passing each chunk through the gate, and counts
// what it holds if upstream says that dst is the upstream. When either side
// ends, both are closed, which ends the other pump too.
func (p *Proxy) pump(dst, src net.Conn, upstream bool) {
	defer func() { dst.Close(); src.Close() }()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.gate(upstream) {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// gate waits while the proxy hangs, counted in stalled if count says so.
// It reports whether traffic may go on: false once the proxy refuses or is
// closed.
func (p *Proxy) gate(count bool) bool {
	p.mu.Lock()
	counted := false
	defer func() {
		if counted {
			p.stalled--
		}
		p.mu.Unlock()
	}()
	for {
		switch {
		case p.closed || p.mode == Refuse:
			return false
		case p.mode == Pass:
			return true
		}
		if count && !counted {
			p.stalled++
			counted = true
		}
		changed := p.changed
		p.mu.Unlock()
		<-changed
		p.mu.Lock()
	}
}
