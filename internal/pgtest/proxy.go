package pgtest

import (
	"net"
	"net/url"
	"sync"
	"testing"
	"time"
)

// Proxy stands between mocks and their database and fails like a network or a server does:
// Down refuses and cuts every connection, Hang swallows everything sent either way (a black
// hole), Up forwards again; Cut drops the open connections and Delay slows what it forwards.
// Mocks connect to it through the URL NewProxy returns.
type Proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	mode  proxyMode
	delay time.Duration
	conns map[net.Conn]struct{}
	wake  chan struct{} // closed when a hung connection should give up
}

type proxyMode int

const (
	up proxyMode = iota
	down
	hang
)

// NewProxy starts a proxy to the database at dbURL and returns it with dbURL pointed at it.
func NewProxy(t testing.TB, dbURL string) (*Proxy, string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{ln: ln, target: u.Host, conns: map[net.Conn]struct{}{}, wake: make(chan struct{})}
	go p.serve()
	t.Cleanup(p.close)
	u.Host = ln.Addr().String()
	return p, u.String()
}

// Down refuses new connections and cuts the open ones, as a stopped server does.
func (p *Proxy) Down() { p.set(down) }

// Hang lets connections be made but carries nothing either way, as a lost network does.
func (p *Proxy) Hang() { p.set(hang) }

// Up forwards again; connections open while the proxy was down or hung are cut.
func (p *Proxy) Up() { p.set(up) }

// Cut closes every open connection, as a network reset does; new ones are made as before.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut()
}

// Delay holds each piece of data for d before forwarding it, either way, as a slow network
// does; 0 forwards at once again.
func (p *Proxy) Delay(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.delay = d
}

func (p *Proxy) set(m proxyMode) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.mode = m
	if m == hang {
		return // open connections stay open, and silent
	}
	p.cut()
}

// cut closes the open connections and wakes the hung ones; p.mu is held.
func (p *Proxy) cut() {
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
	close(p.wake)
	p.wake = make(chan struct{})
}

func (p *Proxy) close() {
	p.ln.Close()
	p.set(down)
}

func (p *Proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

func (p *Proxy) handle(c net.Conn) {
	p.mu.Lock()
	mode, wake := p.mode, p.wake
	if mode == down {
		p.mu.Unlock()
		c.Close()
		return
	}
	p.conns[c] = struct{}{}
	p.mu.Unlock()
	if mode == hang {
		<-wake
		c.Close()
		return
	}
	u, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[u] = struct{}{}
	p.mu.Unlock()
	go p.pipe(u, c)
	p.pipe(c, u)
}

// pipe copies src to dst until either closes, dropping what it reads while the proxy hangs
// and holding each piece for the delay.
func (p *Proxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return
		}
		p.mu.Lock()
		hung, delay := p.mode == hang, p.delay
		p.mu.Unlock()
		if hung {
			continue
		}
		time.Sleep(delay)
		if _, err := dst.Write(buf[:n]); err != nil {
			return
		}
	}
}
