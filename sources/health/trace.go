package health

import (
	"crypto/tls"
	"net/http/httptrace"
	"sync"
	"time"
)

// phases records when each step of one HTTP request happened. The transport calls the hooks
// from its own goroutines, possibly after the poll has given up, hence the mutex. When a
// redirect is followed, the connection phases are those of the last hop.
type phases struct {
	mu                   sync.Mutex
	start                time.Time
	dnsStart, dnsDone    time.Time
	connStart, connDone  time.Time
	tlsStart, tlsDone    time.Time
	gotConn, wrote, resp time.Time
	reused               bool
}

func newPhases() *phases { return &phases{start: time.Now()} }

// trace returns the hooks that fill p.
func (p *phases) trace() *httptrace.ClientTrace {
	mark := func(t *time.Time) {
		p.mu.Lock()
		*t = time.Now()
		p.mu.Unlock()
	}
	return &httptrace.ClientTrace{
		GetConn: func(string) {
			p.mu.Lock()
			// A new hop (a followed redirect) starts its phases afresh.
			p.dnsStart, p.dnsDone, p.connStart, p.connDone = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			p.tlsStart, p.tlsDone, p.gotConn, p.wrote, p.resp = time.Time{}, time.Time{}, time.Time{}, time.Time{}, time.Time{}
			p.mu.Unlock()
		},
		DNSStart: func(httptrace.DNSStartInfo) { mark(&p.dnsStart) },
		DNSDone:  func(httptrace.DNSDoneInfo) { mark(&p.dnsDone) },
		ConnectStart: func(string, string) {
			p.mu.Lock()
			if p.connStart.IsZero() { // several addresses may be tried; the phase spans them all
				p.connStart = time.Now()
			}
			p.mu.Unlock()
		},
		ConnectDone:       func(string, string, error) { mark(&p.connDone) },
		TLSHandshakeStart: func() { mark(&p.tlsStart) },
		TLSHandshakeDone:  func(tls.ConnectionState, error) { mark(&p.tlsDone) },
		GotConn: func(info httptrace.GotConnInfo) {
			p.mu.Lock()
			p.gotConn, p.reused = time.Now(), info.Reused
			p.mu.Unlock()
		},
		WroteRequest:         func(httptrace.WroteRequestInfo) { mark(&p.wrote) },
		GotFirstResponseByte: func() { mark(&p.resp) },
	}
}

// stage says how far the request got, for a timeout message.
func (p *phases) stage() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case !p.resp.IsZero():
		return "reading body"
	case !p.gotConn.IsZero():
		return "no first byte"
	case !p.tlsStart.IsZero():
		return "TLS handshake"
	case !p.dnsStart.IsZero() && p.dnsDone.IsZero():
		return "no DNS answer"
	}
	return "no connection"
}

// millis returns the phases in milliseconds: "dns", "connect" and "tls" (only when this
// request made a new connection), "first_byte" (from the request written to the first byte
// of the answer: the server's time), and "total" (from the start to the end of the body).
func (p *phases) millis(total time.Duration) map[string]float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := make(map[string]float64, 5)
	span := func(key string, from, to time.Time) {
		if !from.IsZero() && !to.IsZero() && !to.Before(from) {
			m[key] = millis(to.Sub(from))
		}
	}
	span("dns", p.dnsStart, p.dnsDone)
	span("connect", p.connStart, p.connDone)
	span("tls", p.tlsStart, p.tlsDone)
	if !p.wrote.IsZero() {
		span("first_byte", p.wrote, p.resp)
	} else {
		span("first_byte", p.gotConn, p.resp)
	}
	m["total"] = millis(total)
	return m
}
