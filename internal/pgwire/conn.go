package pgwire

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Conn is one session on a server. It is for one goroutine at a time; IsClosed may be
// called from any.
type Conn struct {
	nc     net.Conn // the session's stream: raw, or TLS over raw
	raw    net.Conn // the socket (closing it from another goroutine is safe)
	r      *bufio.Reader
	buf    []byte // the body of the last message read
	w      msgBuf
	params map[string]string // ParameterStatus: server_version, TimeZone, …
	pid    uint32
	closed atomic.Bool
}

// Connect opens a session as cfg says: it dials, negotiates TLS per cfg.SSLMode, logs in
// and waits until the server is ready for queries. ctx (and cfg.ConnectTimeout) bound it all.
func Connect(ctx context.Context, cfg *Config) (*Conn, error) {
	if cfg.ConnectTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.ConnectTimeout)
		defer cancel()
	}
	if strings.HasPrefix(cfg.Host, "/") && cfg.HostAddr == "" {
		return connect(ctx, cfg, tlsOff) // libpq: no TLS on a Unix socket
	}
	switch cfg.SSLMode {
	case "disable":
		return connect(ctx, cfg, tlsOff)
	case "allow":
		c, err := connect(ctx, cfg, tlsOff)
		var pe *PgError
		if errors.As(err, &pe) && pe.Code == "28000" && ctx.Err() == nil { // pg_hba.conf asks for hostssl
			return connect(ctx, cfg, tlsTry)
		}
		return c, err
	case "prefer":
		c, err := connect(ctx, cfg, tlsTry)
		var te *tlsError
		if errors.As(err, &te) && ctx.Err() == nil {
			return connect(ctx, cfg, tlsOff)
		}
		return c, err
	}
	return connect(ctx, cfg, tlsMust)
}

// The TLS wishes of one connection attempt.
const (
	tlsOff  = iota // plain
	tlsTry         // ask; plain when the server says no
	tlsMust        // ask; fail when the server says no
)

// tlsError is a failed TLS handshake (sslmode=prefer then tries without TLS).
type tlsError struct{ err error }

func (e *tlsError) Error() string { return e.err.Error() }
func (e *tlsError) Unwrap() error { return e.err }

func connect(ctx context.Context, cfg *Config, tlsMode int) (*Conn, error) {
	nc, err := dial(ctx, cfg)
	if err != nil {
		return nil, err
	}
	c := &Conn{nc: nc, raw: nc, params: map[string]string{}}
	stop := c.watch(ctx)
	err = c.open(ctx, cfg, tlsMode)
	stop()
	if err != nil {
		c.fail()
		return nil, c.ctxErr(ctx, err)
	}
	return c, nil
}

// open negotiates TLS, sends the startup message and logs in.
func (c *Conn) open(ctx context.Context, cfg *Config, tlsMode int) error {
	if tlsMode != tlsOff {
		if err := c.startTLS(ctx, cfg, tlsMode == tlsMust); err != nil {
			return err
		}
	}
	c.r = bufio.NewReaderSize(c.nc, 8192)
	m := c.w.start(0).int32(protocolVersion).str("user").str(cfg.User)
	if cfg.Database != "" {
		m.str("database").str(cfg.Database)
	}
	for _, k := range cfg.params() {
		m.str(k).str(cfg.RuntimeParams[k])
	}
	if _, ok := cfg.RuntimeParams["client_encoding"]; !ok {
		m.str("client_encoding").str("UTF8") // the server converts from the database's encoding
	}
	m.raw([]byte{0}).finish()
	if err := c.flush(); err != nil {
		return err
	}
	return c.login(cfg)
}

// dial reaches the server over TCP or its Unix socket.
func dial(ctx context.Context, cfg *Config) (net.Conn, error) {
	var d net.Dialer
	port := strconv.Itoa(cfg.Port)
	if cfg.HostAddr != "" {
		return d.DialContext(ctx, "tcp", net.JoinHostPort(cfg.HostAddr, port))
	}
	if strings.HasPrefix(cfg.Host, "/") {
		return d.DialContext(ctx, "unix", cfg.Host+"/.s.PGSQL."+port)
	}
	return d.DialContext(ctx, "tcp", net.JoinHostPort(cfg.Host, port))
}

// watch applies ctx to the connection until the returned stop is called: its deadline as
// the socket's, and its cancellation by closing the connection (the protocol has no way
// back from an interrupted exchange).
func (c *Conn) watch(ctx context.Context) (stop func()) {
	d, _ := ctx.Deadline() // zero: none
	_ = c.raw.SetDeadline(d)
	if ctx.Done() == nil {
		return func() {}
	}
	s := context.AfterFunc(ctx, c.fail)
	return func() { s() }
}

// fail closes the connection after an error that leaves the protocol in an unknown state.
func (c *Conn) fail() {
	if !c.closed.Swap(true) {
		_ = c.raw.Close()
	}
}

// ctxErr prefers the context's error to the I/O error it caused (the socket's deadline,
// the context's, may pass a moment before the context says so).
func (c *Conn) ctxErr(ctx context.Context, err error) error {
	if errors.As(err, new(*PgError)) {
		return err
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	var ne net.Error
	if _, ok := ctx.Deadline(); ok && errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
	}
	return err
}

func (c *Conn) flush() error {
	_, err := c.nc.Write(c.w.b)
	c.w.b = c.w.b[:0]
	return err
}

// IsClosed reports whether the connection is closed or broken (a query failed in a way
// that left it unusable, or its context was cancelled mid-query).
func (c *Conn) IsClosed() bool { return c.closed.Load() }

// ParameterStatus is a setting the server reported (server_version, TimeZone, …).
func (c *Conn) ParameterStatus(name string) string { return c.params[name] }

// PID is the server process of the session.
func (c *Conn) PID() uint32 { return c.pid }

// Close ends the session (Terminate) and closes the connection.
func (c *Conn) Close(ctx context.Context) error {
	if c.closed.Load() {
		return nil
	}
	d, ok := ctx.Deadline()
	if !ok {
		d = time.Now().Add(time.Second)
	}
	_ = c.raw.SetDeadline(d)
	c.w.b = c.w.b[:0]
	c.w.start('X').finish()
	_ = c.flush()
	c.closed.Store(true)
	return c.nc.Close()
}
