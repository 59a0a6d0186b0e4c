package health

import (
	"bufio"
	"context"
	"crypto/tls"
	"math"
	"net"
	"net/http"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// aLongTimeAgo is a deadline in the past: setting it ends a connection's blocked I/O.
var aLongTimeAgo = time.Unix(1, 0)

// pollLean is Poll on the lean path: one request on the kept connection (or a new one),
// the answer judged as on net/http's path, the connection kept when the answer allows it.
func (p *httpProbe) pollLean(ctx context.Context) sources.Result {
	start := time.Now()
	deadline := start.Add(p.timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	ph := &phases{start: start}
	c := p.lean
	if c.builtFor != p.url {
		if err := c.build(p, p.url); err != nil {
			return p.failed(nil, "request: "+clean(err.Error(), maxErrorRunes), "bad request")
		}
	}
	if err := ctx.Err(); err != nil {
		msg := describeAt(err, deadline, err, "no connection", start)
		return p.failed(ph, msg, shortError(msg))
	}
	conn, state, gen := c.take(start)
	c.watch(ctx)
	resp, conn, state, err := c.exchange(ctx, deadline, ph, conn, state)
	if err != nil {
		c.idleAgain(ctx)
		if conn != nil {
			_ = conn.Close()
		}
		msg := describeAt(ctx.Err(), deadline, err, ph.stage(), start)
		return p.failed(ph, msg, shortError(msg))
	}
	resp.TLS = state
	r, complete := p.answered(resp, ph, func(err error) string {
		return describeAt(ctx.Err(), deadline, err, "reading body", start)
	})
	// The body is read to its end and nothing follows it: the connection can carry the
	// next poll's request, unless the answer or fresh_connection says otherwise.
	if live := c.idleAgain(ctx); live && complete && !resp.Close && !c.fresh && resp.StatusCode != http.StatusSwitchingProtocols && c.br.Buffered() == 0 {
		c.keep(conn, state, gen)
	} else {
		_ = conn.Close()
	}
	return r
}

// exchange sends the request and reads the answer's head, on conn when one was kept, else on
// a new connection. A kept connection the server closed while it sat idle (EOF or a reset
// before any byte of an answer) is retried once on a new one, as net/http does. It returns
// the connection the answer came on (to close or keep), also with an error when there is one.
func (c *leanClient) exchange(ctx context.Context, deadline time.Time, ph *phases, conn net.Conn,
	state *tls.ConnectionState) (*http.Response, net.Conn, *tls.ConnectionState, error) {
	if conn != nil && (conn.SetDeadline(deadline) != nil || c.stale(conn)) {
		_ = conn.Close()
		conn, state = nil, nil
	}
	reused := conn != nil
	for {
		if conn == nil {
			var err error
			if conn, state, err = c.dial(ctx, deadline, ph); err != nil {
				return nil, nil, nil, err
			}
		}
		resp, gotByte, err := c.roundTrip(ctx, conn, deadline, ph)
		if err == nil {
			return resp, conn, state, nil
		}
		if !reused || gotByte || !idleClosed(err) || ctx.Err() != nil || !time.Now().Before(deadline) {
			return nil, conn, state, err
		}
		_ = conn.Close()
		conn, state, reused = nil, nil, false
		*ph = phases{start: ph.start} // the new connection's phases
	}
}

// roundTrip writes the request on conn and reads the answer's head: 1xx answers before it
// (100 Continue, 103 Early Hints) are skipped, 101 is an answer. gotByte reports whether any
// byte of an answer came.
func (c *leanClient) roundTrip(ctx context.Context, conn net.Conn, deadline time.Time, ph *phases) (resp *http.Response, gotByte bool, err error) {
	if err := conn.SetDeadline(deadline); err != nil {
		return nil, false, err
	}
	c.active(ctx, conn) // after SetDeadline: a cancel moves the deadline into the past for good
	ph.gotConn = time.Now()
	if _, err := conn.Write(c.request); err != nil {
		return nil, false, err
	}
	ph.wrote = time.Now()
	c.lim.r, c.lim.n = conn, maxHeaderBytes
	if c.br == nil {
		c.br = bufio.NewReaderSize(&c.lim, 4096)
	} else {
		c.br.Reset(&c.lim)
	}
	if _, err := c.br.Peek(1); err != nil {
		return nil, false, err
	}
	ph.resp = time.Now()
	for i := 0; ; i++ {
		resp, err := http.ReadResponse(c.br, c.req)
		if err != nil {
			return nil, true, err
		}
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			c.lim.n = math.MaxInt64 // the body is bounded by readBody and the deadline
			return resp, true, nil
		}
		if i == maxInformational {
			return nil, true, tooManyInformational
		}
	}
}

// dial makes a new connection: resolves a host name (the dns phase), connects to its
// addresses in order within the deadline as net.Dialer does (without racing IPv4 against
// IPv6), and for https shakes hands with ALPN http/1.1.
func (c *leanClient) dial(ctx context.Context, deadline time.Time, ph *phases) (net.Conn, *tls.ConnectionState, error) {
	addrs := []string{c.hostname}
	if net.ParseIP(c.hostname) == nil {
		ph.dnsStart = time.Now()
		dctx, cancel := context.WithDeadline(ctx, deadline)
		ips, err := net.DefaultResolver.LookupIPAddr(dctx, c.hostname)
		cancel()
		if err != nil && (isTimeout(err) || ctx.Err() != nil) {
			return nil, nil, err // stage: no DNS answer
		}
		ph.dnsDone = time.Now()
		if err != nil {
			return nil, nil, err
		}
		addrs = addrs[:0]
		for _, ip := range ips {
			addrs = append(addrs, ip.String())
		}
	}
	ph.connStart = time.Now()
	d := net.Dialer{KeepAlive: 30 * time.Second}
	var conn net.Conn
	var first error
	for i, a := range addrs {
		d.Deadline = partialDeadline(time.Now(), deadline, len(addrs)-i)
		var err error
		if conn, err = d.DialContext(ctx, "tcp", net.JoinHostPort(a, c.port)); err == nil {
			break
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	ph.connDone = time.Now()
	if conn == nil {
		return nil, nil, first
	}
	if c.scheme != "https" {
		return conn, nil, nil
	}
	return c.handshake(ctx, conn, deadline, ph)
}

// handshake runs TLS on conn with the probe's config: the Host header's name (else the
// URL's host) as the server name, its ca_file or the system's roots, HTTP/1.1 by ALPN.
func (c *leanClient) handshake(ctx context.Context, conn net.Conn, deadline time.Time, ph *phases) (net.Conn, *tls.ConnectionState, error) {
	conf := c.tlsConf.Clone()
	if conf.ServerName == "" {
		conf.ServerName = c.hostname
	}
	conf.NextProtos = []string{"http/1.1"}
	_ = conn.SetDeadline(deadline)
	tc := tls.Client(conn, conf)
	ph.tlsStart = time.Now()
	err := tc.HandshakeContext(ctx)
	ph.tlsDone = time.Now()
	if err != nil {
		_ = conn.Close()
		return nil, nil, err
	}
	st := tc.ConnectionState()
	return tc, &st, nil
}

// partialDeadline is the deadline for one of several addresses to try, as net.Dialer
// divides the time: the rest shared among the addresses left, but at least 2 s each.
func partialDeadline(now, deadline time.Time, left int) time.Time {
	remaining := deadline.Sub(now)
	if remaining <= 0 || left <= 1 {
		return deadline
	}
	timeout := remaining / time.Duration(left)
	const saneMinimum = 2 * time.Second
	if timeout < saneMinimum {
		timeout = min(remaining, saneMinimum)
	}
	return now.Add(timeout)
}
