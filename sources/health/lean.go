package health

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/http/httpguts"
	"golang.org/x/net/http/httpproxy"
)

const (
	// maxHeaderBytes bounds the head of an answer (status line, headers, 1xx answers before
	// it): a server that streams headers forever is cut off here, not at the deadline only.
	maxHeaderBytes = 1 << 20
	// maxInformational is how many 1xx answers (100 Continue, 103 Early Hints) may come
	// before the real one, as net/http allows.
	maxInformational = 5
	// leanIdleTimeout is how long a kept connection may sit idle before it is not trusted
	// any more (net/http's IdleConnTimeout in the transport it replaces).
	leanIdleTimeout = 90 * time.Second
)

// errHeaderTooBig is the error of an answer whose head exceeds maxHeaderBytes.
var errHeaderTooBig = errors.New("the answer's headers exceed 1 MiB")

// leanClient is the lean HTTP/1.1 path of one probe: one keep-alive connection held between
// polls, the request's bytes built once, the answer parsed by net/http's own parser
// (http.ReadResponse) and every step bounded by one socket deadline. It replaces net/http's
// Client for the common probe (no proxy, no redirects followed), which per request costs two
// goroutines, a header clone, trace hooks behind a mutex and a timer.
type leanClient struct {
	scheme   string // "http" or "https"
	hostname string // the URL's host without port: resolved when it is a name
	port     string
	fresh    bool        // fresh_connection: a new connection every poll, Connection: close
	tlsConf  *tls.Config // the probe's (its transport's) config, cloned per handshake

	builtFor string        // the URL the request below was built from
	request  []byte        // the whole request, written with one Write
	req      *http.Request // what http.ReadResponse needs of it (the method)

	mu      sync.Mutex
	idle    net.Conn // the kept connection, nil when none
	idleTLS *tls.ConnectionState
	idleAt  time.Time
	gen     uint64 // counts Close calls: a poll running across one does not keep its conn

	// The cancel watch (under mu): an AfterFunc on the poll's context that ends the I/O of
	// the connection in use when the context ends. Registered once for a context that lives
	// across polls (the scheduler's, which ends at shutdown), per poll for one with a
	// deadline.
	watchedDone <-chan struct{}
	stopWatch   func() bool
	inUse       net.Conn // the connection of the poll in flight
	interrupted bool     // the watch moved inUse's deadline: it must not be kept

	lim limitedReader // between the connection and br: bounds the head of an answer
	br  *bufio.Reader

	rawFor net.Conn        // the connection raw belongs to
	raw    syscall.RawConn // its socket, to peek at while it is idle
	peeker idlePeek
}

// leanFor returns the lean client for a probe, or nil when the probe needs net/http: it
// follows redirects, the environment names a proxy for its URL, or a header, the Host or
// the method is one net/http would refuse (net/http then says why on every poll).
func leanFor(p *httpProbe, u *url.URL, follow, fresh bool) *leanClient {
	if follow || usesProxy(u) || !validRequest(p) {
		return nil
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return &leanClient{
		scheme: u.Scheme, hostname: u.Hostname(), port: port, fresh: fresh,
		tlsConf: p.transport.TLSClientConfig,
	}
}

// usesProxy reports whether HTTP_PROXY, HTTPS_PROXY and NO_PROXY send u through a proxy
// (read now, not cached for the process as http.ProxyFromEnvironment is).
func usesProxy(u *url.URL) bool {
	proxy, err := httpproxy.FromEnvironment().ProxyFunc()(u)
	return err != nil || proxy != nil
}

// validRequest reports whether net/http would send the probe's request as configured.
func validRequest(p *httpProbe) bool {
	if len(p.method) == 0 || strings.IndexFunc(p.method, func(r rune) bool { return r > 127 || !httpguts.IsTokenRune(r) }) >= 0 {
		return false
	}
	if p.host != "" && !httpguts.ValidHostHeader(p.host) {
		return false
	}
	for k, vs := range p.headers {
		if !httpguts.ValidHeaderFieldName(k) {
			return false
		}
		for _, v := range vs {
			if !httpguts.ValidHeaderFieldValue(v) {
				return false
			}
		}
	}
	return true
}

// excludedHeaders are the configured headers net/http does not send as given either.
var excludedHeaders = map[string]bool{"Host": true, "Content-Length": true, "Transfer-Encoding": true, "Trailer": true}

// build makes the request's bytes for rawURL, as net/http would write them: the request
// line, Host, the configured headers (User-Agent among them), basic auth from the URL's
// user info, Content-Length: 0 for methods that carry a body, Connection: close with
// fresh_connection. No Accept-Encoding: the body is read as sent.
func (c *leanClient) build(p *httpProbe, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString(p.method + " " + u.RequestURI() + " HTTP/1.1\r\nHost: ")
	if p.host != "" {
		b.WriteString(p.host)
	} else {
		b.WriteString(removeZone(u.Host))
	}
	b.WriteString("\r\n")
	if err := p.headers.WriteSubset(&b, excludedHeaders); err != nil {
		return err
	}
	if u.User != nil && p.headers.Get("Authorization") == "" {
		pass, _ := u.User.Password()
		b.WriteString("Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+pass)) + "\r\n")
	}
	switch p.method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		b.WriteString("Content-Length: 0\r\n")
	}
	if c.fresh {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("\r\n")
	c.request, c.req, c.builtFor = b.Bytes(), &http.Request{Method: p.method, URL: u}, rawURL
	return nil
}

// removeZone drops an IPv6 zone from a Host header ("[fe80::1%en0]:80" → "[fe80::1]:80"),
// as net/http does.
func removeZone(host string) string {
	if !strings.HasPrefix(host, "[") {
		return host
	}
	i := strings.LastIndex(host, "]")
	if j := strings.LastIndex(host[:max(i, 0)], "%"); i > 0 && j > 0 {
		return host[:j] + host[i:]
	}
	return host
}

// take returns the kept connection, if it is still worth trying, and forgets it.
func (c *leanClient) take(now time.Time) (net.Conn, *tls.ConnectionState, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	conn, state := c.idle, c.idleTLS
	c.idle, c.idleTLS = nil, nil
	if conn != nil && now.Sub(c.idleAt) > leanIdleTimeout {
		_ = conn.Close()
		conn, state = nil, nil
	}
	return conn, state, c.gen
}

// keep holds conn for the next poll, unless Close was called since take.
func (c *leanClient) keep(conn net.Conn, state *tls.ConnectionState, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.idle != nil {
		_ = conn.Close()
		return
	}
	c.idle, c.idleTLS, c.idleAt = conn, state, time.Now()
}

// close drops the kept connection and the cancel watch; a poll running now closes its own
// connection when it ends.
func (c *leanClient) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if c.stopWatch != nil {
		c.stopWatch()
		c.stopWatch, c.watchedDone = nil, nil
	}
	if c.idle != nil {
		_ = c.idle.Close()
		c.idle, c.idleTLS = nil, nil
	}
}

// watch makes sure a cancel of ctx interrupts this poll's I/O.
func (c *leanClient) watch(ctx context.Context) {
	done := ctx.Done()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.interrupted = false
	if done == nil || done == c.watchedDone {
		return // never canceled, or still registered
	}
	if c.stopWatch != nil {
		c.stopWatch()
	}
	c.watchedDone = done
	c.stopWatch = context.AfterFunc(ctx, func() { c.interrupt(done) })
}

// interrupt ends the I/O of the connection in use, when done is the watched context's.
func (c *leanClient) interrupt(done <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if done == c.watchedDone && c.inUse != nil {
		_ = c.inUse.SetDeadline(aLongTimeAgo)
		c.interrupted = true
	}
}

// active makes conn the connection a cancel interrupts; call it after conn's SetDeadline.
func (c *leanClient) active(ctx context.Context, conn net.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inUse = conn
	if ctx.Err() != nil { // canceled before the watch could see conn
		_ = conn.SetDeadline(aLongTimeAgo)
		c.interrupted = true
	}
}

// idleAgain ends the poll's use of its connection. A watch on a context with a deadline
// (made for this poll) is removed. It reports whether the connection is still fit to keep:
// false when a cancel moved its deadline.
func (c *leanClient) idleAgain(ctx context.Context) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inUse = nil
	if _, ok := ctx.Deadline(); ok && c.stopWatch != nil {
		c.stopWatch()
		c.stopWatch, c.watchedDone = nil, nil
	}
	return !c.interrupted && ctx.Err() == nil
}

// stale reports whether a kept connection must not carry the next request: the server
// closed it while it sat idle, or wrote to it unasked (net/http's "unsolicited response",
// logged the same way: the bytes would otherwise be read as the next answer). Call it after
// conn's SetDeadline: a passed deadline hides the socket.
func (c *leanClient) stale(conn net.Conn) bool {
	if c.rawFor != conn {
		c.rawFor, c.raw = conn, nil
		under := conn
		if tc, ok := conn.(*tls.Conn); ok {
			under = tc.NetConn()
		}
		if sc, ok := under.(syscall.Conn); ok {
			c.raw, _ = sc.SyscallConn()
		}
	}
	if c.raw == nil {
		return false
	}
	n, closed := c.peeker.peek(c.raw)
	if n > 0 {
		log.Printf("Unsolicited response received on idle HTTP channel starting with %q; err=<nil>", c.peeker.buf[:n])
	}
	return closed || n > 0
}

// limitedReader reads from r until n bytes have been read, then fails with errHeaderTooBig.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(b []byte) (int, error) {
	if l.n <= 0 {
		return 0, errHeaderTooBig
	}
	if int64(len(b)) > l.n {
		b = b[:l.n]
	}
	n, err := l.r.Read(b)
	l.n -= int64(n)
	return n, err
}

// idleClosed reports whether err is what a reused connection the server closed while idle
// gives before any byte of an answer: net/http retries those once on a new connection.
func idleClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// tooManyInformational is the error after maxInformational 1xx answers.
var tooManyInformational = fmt.Errorf("more than %d informational (1xx) answers", maxInformational)
