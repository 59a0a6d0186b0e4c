package sshserver

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
)

// onConn admits a new TCP connection: refused while shutting down or when its address has
// used up its rate (it is closed before any handshake), else counted.
func (s *Server) onConn(_ ssh.Context, c net.Conn) net.Conn {
	select {
	case <-s.closing:
		return nil
	default:
	}
	ok, first := s.limiter.allow(c.RemoteAddr())
	if !ok {
		s.rateRefused.Add(1)
		if first {
			s.log.Warn("too many new connections; refusing more for now (ssh.rate_per_minute)",
				"from", c.RemoteAddr().String(), "per_minute", s.cfg.RatePerMinute)
		}
		return nil
	}
	s.conns.Add(1)
	// A connection silent both ways outlives a board session's own idle limit by a minute,
	// so the session's message comes first. (charm.land/ssh's own IdleTimeout races with
	// its handshake under the race detector, so the server keeps this itself.)
	return newCountingConn(c, &s.wire, &s.conns, s.cfg.IdleTimeout.D()+time.Minute)
}

// onConnFailed logs a connection that never got in (refused keys, handshake errors).
func (s *Server) onConnFailed(c net.Conn, err error) {
	s.log.Info("connection refused", "from", c.RemoteAddr().String(), "reason", err.Error())
}

// publicKeyAuth admits listed keys, and any key when anonymous viewers are allowed. The
// role is decided again from the key that actually logged in (see identify).
func (s *Server) publicKeyAuth(_ ssh.Context, key ssh.PublicKey) bool {
	if _, ok := s.keys.lookup(key); ok {
		return true
	}
	return s.cfg.AllowAnonymousViewers
}

// countingConn counts the bytes written to a client connection and closes it when nothing
// was read from or written to it for idle.
type countingConn struct {
	net.Conn
	wire   *atomic.Int64
	open   *atomic.Int64
	idle   time.Duration
	last   atomic.Int64 // unix nanoseconds of the last read or write
	mu     sync.Mutex
	timer  *time.Timer
	closed sync.Once
}

func newCountingConn(c net.Conn, wire, open *atomic.Int64, idle time.Duration) *countingConn {
	cc := &countingConn{Conn: c, wire: wire, open: open, idle: idle}
	cc.touch()
	cc.mu.Lock()
	cc.timer = time.AfterFunc(idle, cc.checkIdle)
	cc.mu.Unlock()
	return cc
}

func (c *countingConn) touch() { c.last.Store(time.Now().UnixNano()) }

func (c *countingConn) checkIdle() {
	left := c.idle - time.Since(time.Unix(0, c.last.Load()))
	if left > 0 {
		c.mu.Lock()
		c.timer.Reset(left)
		c.mu.Unlock()
		return
	}
	_ = c.Close()
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.touch()
	}
	return n, err
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.touch()
	}
	c.wire.Add(int64(n))
	return n, err
}

func (c *countingConn) Close() error {
	c.closed.Do(func() {
		c.mu.Lock()
		c.timer.Stop()
		c.mu.Unlock()
		c.open.Add(-1)
	})
	return c.Conn.Close()
}

// tracker counts running things (sessions, transitions) and lets shutdown wait for none.
type tracker struct {
	mu     sync.Mutex
	n      int
	zero   chan struct{}
	closed bool
}

// enter counts one more unless closed or (limit > 0) limit are running.
func (t *tracker) enter(limit int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || (limit > 0 && t.n >= limit) {
		return false
	}
	if t.n == 0 {
		t.zero = make(chan struct{})
	}
	t.n++
	return true
}

func (t *tracker) leave() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	if t.n == 0 {
		close(t.zero)
	}
}

func (t *tracker) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

// close refuses every later enter.
func (t *tracker) close() {
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
}

// wait returns when nothing is running, or ctx's error.
func (t *tracker) wait(ctx context.Context) error {
	t.mu.Lock()
	if t.n == 0 {
		t.mu.Unlock()
		return nil
	}
	z := t.zero
	t.mu.Unlock()
	select {
	case <-z:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
