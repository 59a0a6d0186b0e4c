package health

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

const (
	// defaultTLSWarnDays is how close to expiry a certificate turns the probe to warn.
	defaultTLSWarnDays = 14
	// maxRedirects is how many redirects follow_redirects follows before giving up.
	maxRedirects = 10
)

// httpProbe requests one URL per poll over its own transport, so keep-alive connections
// are reused between its polls and never shared with another probe.
type httpProbe struct {
	probeBase
	url         string
	method      string
	headers     http.Header
	host        string // the Host header, when set
	expect      httpExpect
	servedByKey string // the served_by_header, canonical; "" when not configured
	servedBy    servedBy
	tlsWarnDays int
	transport   *http.Transport
	client      *http.Client
	lean        *leanClient // nil: this probe goes through net/http (client)
}

func newHTTP(b probeBase, h config.Health) (*httpProbe, error) {
	if h.URL == "" {
		return nil, errors.New("set one of url, tcp or dns")
	}
	u, err := url.Parse(h.URL)
	if err != nil {
		return nil, errors.New("url: not a valid URL; want http://host/path or https://host/path")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("url %q: want http://host/path or https://host/path", u.Redacted())
	}
	p := &httpProbe{
		probeBase:   b,
		url:         h.URL,
		method:      strings.ToUpper(h.Method),
		headers:     make(http.Header, len(h.Headers)+1),
		tlsWarnDays: defaultTLSWarnDays,
	}
	if p.method == "" {
		p.method = http.MethodGet
	}
	if h.TLSWarnDays != nil {
		p.tlsWarnDays = *h.TLSWarnDays
	}
	for k, v := range h.Headers {
		if http.CanonicalHeaderKey(k) == "Host" {
			p.host = v
			continue
		}
		p.headers.Set(k, v)
	}
	if p.headers.Get("User-Agent") == "" {
		p.headers.Set("User-Agent", "warroom-health/1")
	}
	if h.ServedByHeader != "" {
		p.servedByKey = http.CanonicalHeaderKey(h.ServedByHeader)
	}
	if p.expect, err = newHTTPExpect(h.Expect); err != nil {
		return nil, err
	}
	if p.transport, err = newTransport(h, p.host); err != nil {
		return nil, err
	}
	p.client = &http.Client{Transport: p.transport, CheckRedirect: redirectPolicy(h.FollowRedirects)}
	p.lean = leanFor(p, u, h.FollowRedirects, h.FreshConnection)
	return p, nil
}

// newTransport makes the probe's own transport: few idle connections (one target), none at
// all with fresh_connection, and the Host header as the TLS server name so that a backend
// can be probed by its address with the site's name before DNS flips. With ca_file, the
// CAs in that PEM bundle are the ones trusted (instead of the system's).
func newTransport(h config.Health, host string) (*http.Transport, error) {
	tlsConf := &tls.Config{InsecureSkipVerify: h.InsecureSkipVerify} //nolint:gosec // the user asked for it
	if h.CAFile != "" {
		pool, err := config.ReadCAFile(h.CAFile)
		if err != nil {
			return nil, fmt.Errorf("ca_file %s: %w", h.CAFile, err)
		}
		tlsConf.RootCAs = pool
	}
	if host != "" {
		if name, _, err := net.SplitHostPort(host); err == nil {
			host = name
		}
		tlsConf.ServerName = host
	}
	proxy := httpproxy.FromEnvironment().ProxyFunc() // as the lean path decides (see leanFor)
	return &http.Transport{
		Proxy:               func(r *http.Request) (*url.URL, error) { return proxy(r.URL) },
		DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     tlsConf,
		ForceAttemptHTTP2:   true,
		MaxIdleConns:        2,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     90 * time.Second,
		DisableKeepAlives:   h.FreshConnection,
	}, nil
}

func redirectPolicy(follow bool) func(*http.Request, []*http.Request) error {
	return func(_ *http.Request, via []*http.Request) error {
		if !follow {
			return http.ErrUseLastResponse
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		return nil
	}
}

// Close drops the probe's idle keep-alive connections.
func (p *httpProbe) Close() error {
	p.transport.CloseIdleConnections()
	if p.lean != nil {
		p.lean.close()
	}
	return nil
}

// Poll makes one request, reads at most maxBody bytes of the answer and judges it.
func (p *httpProbe) Poll(ctx context.Context) sources.Result {
	if p.lean != nil {
		return p.pollLean(ctx)
	}
	return p.pollNetHTTP(ctx)
}

// pollNetHTTP is Poll through net/http: for redirects followed and proxies.
func (p *httpProbe) pollNetHTTP(ctx context.Context) sources.Result {
	ctx, cancel := p.pollContext(ctx)
	defer cancel()
	ph := newPhases()
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, ph.trace()), p.method, p.url, nil)
	if err != nil {
		return p.failed(nil, "request: "+clean(err.Error(), maxErrorRunes), "bad request")
	}
	req.Header = p.headers.Clone()
	if p.host != "" {
		req.Host = p.host
	}
	resp, err := p.client.Do(req)
	if err != nil {
		msg := describe(ctx, err, ph.stage(), ph.start)
		return p.failed(ph, msg, shortError(msg))
	}
	defer resp.Body.Close()
	r, _ := p.answered(resp, ph, func(err error) string { return describe(ctx, err, "reading body", ph.start) })
	return r
}

// answered reads the body of resp (at most maxBody bytes of it) and judges the answer;
// complete reports whether the body was read to its end, so that the connection can carry
// another request. bodyError words an error while reading the body.
func (p *httpProbe) answered(resp *http.Response, ph *phases, bodyError func(error) string) (sources.Result, bool) {
	a := answer{resp: resp}
	var err error
	if resp.ContentLength > maxBody && resp.Body != http.NoBody { // announced too big: no need to read a MiB to know
		a.body, a.tooBig = bodyPool.Get().(*[]byte), true
		*a.body = (*a.body)[:0]
	} else {
		a.body, a.tooBig, err = readBody(resp.Body, p.expect.needsBody() || p.states.needsBody(), resp.ContentLength)
	}
	defer releaseBody(a.body)
	a.total = time.Since(ph.start)
	a.phases = ph.millis(a.total)
	if err != nil {
		msg := bodyError(err)
		r := p.judged(a, verdict{sources.Crit, msg, fmt.Sprintf("%d · %s", resp.StatusCode, shortError(msg)), false})
		r.Failed = true // the answer broke off: as good as none
		return r, false
	}
	return p.judge(a), !a.tooBig
}

// failed is the result of a request that got no answer.
func (p *httpProbe) failed(ph *phases, msg, detail string) sources.Result {
	facts := map[string]any{
		"status_code":     nil,
		"latency_ms":      nil,
		"phases_ms":       map[string]float64{},
		"served_by":       "",
		"tls_days_left":   nil,
		"error":           msg,
		"served_by_share": p.shareFact(),
	}
	if ph != nil {
		m := ph.millis(0)
		delete(m, "total") // no total: the request never ended
		facts["phases_ms"] = m
	}
	r := sources.Result{Status: sources.Crit, Failed: true, Unit: "ms", Error: msg, Detail: detail, Facts: facts}
	return p.states.apply(r, p.states.match(0, nil))
}

// shortError is the board's short form of an error: its first clause.
func shortError(msg string) string {
	if i := strings.Index(msg, " ("); i > 0 {
		msg = msg[:i]
	}
	return clean(msg, 48)
}
