package health

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// ednsSize is the UDP payload size offered to the resolver (the DNS flag day value); a
// larger answer comes back truncated and is asked again over TCP.
const ednsSize = 1232

// reply is one query's outcome.
type reply struct {
	msg *dnsReply
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
		v6.msg, v6.err = p.query(ctx, dnsmessage.TypeAAAA)
	}()
	v4.msg, v4.err = p.query(ctx, dnsmessage.TypeA)
	wg.Wait()

	l := lookup{}
	for _, r := range []reply{v4, v6} {
		if r.err == nil {
			l.answered = true
			if r.msg.rcode == 0 { // NOERROR
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
func collect(l *lookup, m *dnsReply) {
	if m.hasTTL && (!l.hasTTL || m.ttl < l.ttl) {
		l.ttl, l.hasTTL = m.ttl, true
	}
	l.answers = append(l.answers, m.answers...)
}

// failure says why neither query brought an address, NXDOMAIN first.
func (p *dnsProbe) failure(ctx context.Context, v4, v6 reply, start time.Time) string {
	for _, r := range []reply{v4, v6} {
		if r.err == nil && r.msg.rcode == int(dnsmessage.RCodeNameError) {
			return fmt.Sprintf("dns: %s: no such domain (NXDOMAIN from %s)", p.host, p.resolver)
		}
	}
	for _, r := range []reply{v4, v6} {
		switch {
		case r.err != nil && errors.Is(r.err, syscall.ECONNREFUSED):
			return fmt.Sprintf("dns: nothing answers on %s (connection refused)", p.resolver)
		case r.err != nil:
			return "dns: " + describe(ctx, r.err, "no DNS answer", start)
		case r.msg.rcode != 0:
			return fmt.Sprintf("dns: %s answered %s for %s", p.resolver, rcodeName(r.msg.rcode), p.host)
		}
	}
	return fmt.Sprintf("dns: %s has no A or AAAA records", p.host)
}

// query asks one question over UDP, and again over TCP when the answer was truncated.
func (p *dnsProbe) query(ctx context.Context, qtype dnsmessage.Type) (*dnsReply, error) {
	m, id, err := dnsQuery(p.host, qtype)
	if err != nil {
		return nil, err
	}
	r, err := p.exchange(ctx, "udp", m, id)
	if err == nil && r.truncated {
		r, err = p.exchange(ctx, "tcp", m, id)
	}
	return r, err
}

// exchange sends m and waits for the answer with id, until the probe's timeout or ctx ends
// (deadline or cancel). The UDP socket is connected, so only the resolver's address is
// heard; over UDP an answer with another id (a late one to an earlier question, or a
// forgery) is ignored and the wait goes on, over TCP it is an error.
func (p *dnsProbe) exchange(ctx context.Context, network string, m []byte, id uint16) (*dnsReply, error) {
	d := net.Dialer{Timeout: p.timeout}
	conn, err := d.DialContext(ctx, network, p.resolver)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	deadline := time.Now().Add(p.timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	_ = conn.SetDeadline(deadline)
	// A cancel must end the wait as well as the deadline.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	if network == "tcp" {
		return exchangeTCP(conn, m, id)
	}
	if _, err := conn.Write(m); err != nil {
		return nil, err
	}
	buf := make([]byte, ednsSize)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return nil, err
		}
		r, err := parseDNSReply(buf[:n])
		if err != nil || r.id == id {
			return r, err
		}
	}
}

// exchangeTCP writes m with its 2-byte length and reads one answer the same way.
func exchangeTCP(conn net.Conn, m []byte, id uint16) (*dnsReply, error) {
	out := binary.BigEndian.AppendUint16(make([]byte, 0, 2+len(m)), uint16(len(m)))
	if _, err := conn.Write(append(out, m...)); err != nil {
		return nil, err
	}
	var size [2]byte
	if _, err := io.ReadFull(conn, size[:]); err != nil {
		return nil, err
	}
	buf := make([]byte, binary.BigEndian.Uint16(size[:]))
	if _, err := io.ReadFull(conn, buf); err != nil {
		return nil, err
	}
	r, err := parseDNSReply(buf)
	if err == nil && r.id != id {
		err = errDNSID
	}
	return r, err
}
