package health

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"github.com/miekg/dns"
)

// ednsSize is the UDP payload size offered to the resolver (the DNS flag day value); a
// larger answer comes back truncated and is asked again over TCP.
const ednsSize = 1232

// reply is one query's outcome.
type reply struct {
	msg *dns.Msg
	err error
}

// lookupWith asks the configured resolver for A and AAAA at once.
func (p *dnsProbe) lookupWith(ctx context.Context, start time.Time) lookup {
	var (
		v4, v6 reply
		wg     sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		v6.msg, v6.err = p.query(ctx, dns.TypeAAAA)
	}()
	v4.msg, v4.err = p.query(ctx, dns.TypeA)
	wg.Wait()

	l := lookup{}
	for _, r := range []reply{v4, v6} {
		if r.err == nil {
			l.answered = true
			if r.msg.Rcode == dns.RcodeSuccess {
				collect(&l, r.msg)
			}
		}
	}
	l.answers = sortAddrs(l.answers)
	if len(l.answers) == 0 {
		l.failure = p.failure(ctx, v4, v6, start)
	}
	return l
}

// collect adds a reply's addresses to l and lowers l's TTL to the smallest in the chain.
func collect(l *lookup, m *dns.Msg) {
	for _, rr := range m.Answer {
		var ip []byte
		switch rr := rr.(type) {
		case *dns.A:
			ip = rr.A
		case *dns.AAAA:
			ip = rr.AAAA
		case *dns.CNAME:
		default:
			continue
		}
		if ttl := rr.Header().Ttl; !l.hasTTL || ttl < l.ttl {
			l.ttl, l.hasTTL = ttl, true
		}
		if a, ok := netip.AddrFromSlice(ip); ok {
			l.answers = append(l.answers, a.Unmap())
		}
	}
}

// failure says why neither query brought an address, NXDOMAIN first.
func (p *dnsProbe) failure(ctx context.Context, v4, v6 reply, start time.Time) string {
	for _, r := range []reply{v4, v6} {
		if r.err == nil && r.msg.Rcode == dns.RcodeNameError {
			return fmt.Sprintf("dns: %s: no such domain (NXDOMAIN from %s)", p.host, p.resolver)
		}
	}
	for _, r := range []reply{v4, v6} {
		switch {
		case r.err != nil && errors.Is(r.err, syscall.ECONNREFUSED):
			return fmt.Sprintf("dns: nothing answers on %s (connection refused)", p.resolver)
		case r.err != nil:
			return "dns: " + describe(ctx, r.err, "no DNS answer", start)
		case r.msg.Rcode != dns.RcodeSuccess:
			return fmt.Sprintf("dns: %s answered %s for %s", p.resolver, dns.RcodeToString[r.msg.Rcode], p.host)
		}
	}
	return fmt.Sprintf("dns: %s has no A or AAAA records", p.host)
}

// query asks one question over UDP, and again over TCP when the answer was truncated.
func (p *dnsProbe) query(ctx context.Context, qtype uint16) (*dns.Msg, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(p.host), qtype)
	m.SetEdns0(ednsSize, false)
	r, err := p.exchange(ctx, "udp", m)
	if err == nil && r.Truncated {
		r, err = p.exchange(ctx, "tcp", m)
	}
	return r, err
}

// exchange sends m and waits for the answer, until ctx ends (deadline or cancel).
func (p *dnsProbe) exchange(ctx context.Context, network string, m *dns.Msg) (*dns.Msg, error) {
	c := &dns.Client{Net: network, UDPSize: ednsSize, Timeout: p.timeout}
	conn, err := c.DialContext(ctx, p.resolver)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	// The client only honours a deadline; a cancel must end the wait as well.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	r, _, err := c.ExchangeWithConnContext(ctx, m, conn)
	if err == nil && r.Id != m.Id {
		err = dns.ErrId
	}
	return r, err
}
