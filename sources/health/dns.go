package health

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// dnsProbe resolves a name to its A and AAAA addresses, with the configured resolver (which
// also gives the TTL) or the system's, and tells whether the answers are the new side.
type dnsProbe struct {
	probeBase
	host     string // the name, without a trailing dot
	resolver string // host:port; "" is the system resolver
	anyOf    []netip.Addr
	system   net.Resolver

	mu   sync.Mutex
	last []netip.Addr // the answers of the last resolution that had some; nil before one
}

// lookup is what one resolution found.
type lookup struct {
	answers  []netip.Addr // sorted, unique
	ttl      uint32
	hasTTL   bool
	failure  string // why there are no answers; "" on success
	answered bool   // a DNS answer arrived (NXDOMAIN is an answer, a timeout is not)
}

func newDNS(b probeBase, h config.Health) (*dnsProbe, error) {
	host := strings.TrimSuffix(h.DNS, ".")
	if !validDomainName(host) {
		return nil, fmt.Errorf("dns %q: not a domain name", h.DNS)
	}
	e := h.Expect
	if len(e.Status) > 0 || e.BodyContains != "" || e.JSON != nil {
		return nil, errors.New("expect: a dns probe takes only any_of (the answers that mean the new side)")
	}
	p := &dnsProbe{probeBase: b, host: host}
	for _, s := range e.AnyOf {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("expect.any_of: %q is not an IP address", s)
		}
		p.anyOf = append(p.anyOf, a.Unmap())
	}
	if h.Resolver != "" {
		p.resolver = h.Resolver
		if _, _, err := net.SplitHostPort(h.Resolver); err != nil {
			p.resolver = net.JoinHostPort(strings.Trim(h.Resolver, "[]"), "53")
		}
	}
	return p, nil
}

// Poll resolves the name once. Not matching any_of is not a failure: before the flip the
// old side is what a cutover team expects; gates read the matched fact. A planned state
// (states can only be empty here) matches any outcome.
func (p *dnsProbe) Poll(ctx context.Context) sources.Result {
	return p.states.apply(p.resolve(ctx), p.states.match(0, nil))
}

func (p *dnsProbe) resolve(ctx context.Context) sources.Result {
	ctx, cancel := p.pollContext(ctx)
	defer cancel()
	start := time.Now()
	var l lookup
	if p.resolver != "" {
		l = p.lookupWith(ctx, start)
	} else {
		l = p.lookupSystem(ctx, start)
	}
	took := time.Since(start)
	facts := map[string]any{
		"answers": addrStrings(l.answers),
		"ttl_s":   nilOr(int(l.ttl), l.hasTTL),
		"matched": p.matched(l.answers),
		"error":   l.failure,
	}
	r := sources.Result{Unit: "ms", Facts: facts}
	if l.answered {
		r.Value = sources.Float(millis(took))
	}
	if l.failure != "" {
		// NXDOMAIN or SERVFAIL is a bad answer; no answer at all is a failed poll.
		r.Status, r.Error, r.Detail, r.Failed = sources.Crit, l.failure, shortError(l.failure), !l.answered
		return r
	}
	r.Status = p.limits.Status(millis(took))
	r.Detail = p.detail(l)
	if ev := p.changed(l.answers); ev != "" {
		r.Events = []string{ev}
	}
	return r
}

// changed remembers answers and returns the event when they differ from the last ones
// ("answers changed: 198.51.100.7 → 203.0.113.10 (new side)"); the first answers, and the
// same answers again after a failure, are no event.
func (p *dnsProbe) changed(answers []netip.Addr) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	before := p.last
	p.last = answers
	if before == nil || slices.Equal(before, answers) {
		return ""
	}
	ev := fmt.Sprintf("%s answers changed: %s → %s", p.host, addrList(before), addrList(answers))
	if len(p.anyOf) > 0 {
		if p.matched(answers) {
			ev += " (new side)"
		} else {
			ev += " (old side)"
		}
	}
	return ev
}

// addrList writes up to four addresses, then how many more.
func addrList(a []netip.Addr) string {
	s := addrStrings(a[:min(len(a), 4)])
	if len(a) > 4 {
		s = append(s, fmt.Sprintf("+%d", len(a)-4))
	}
	return strings.Join(s, " ")
}

// matched reports whether any answer is one of any_of; without any_of, whether there is
// an answer at all.
func (p *dnsProbe) matched(answers []netip.Addr) bool {
	if len(p.anyOf) == 0 {
		return len(answers) > 0
	}
	for _, a := range answers {
		if slices.Contains(p.anyOf, a) {
			return true
		}
	}
	return false
}

// detail is the board's line: "203.0.113.10 new side TTL 60", "198.51.100.7 +1 old side",
// "mixed" when some answers are the new side and some are not. Only answers of the address
// families any_of names count for the side (an AAAA answer does not make a v4 list "mixed").
func (p *dnsProbe) detail(l lookup) string {
	first := l.answers[0]
	var side string
	if len(p.anyOf) > 0 {
		in, out := 0, 0
		for _, a := range l.answers {
			switch {
			case slices.Contains(p.anyOf, a):
				if in == 0 {
					first = a
				}
				in++
			case slices.ContainsFunc(p.anyOf, func(b netip.Addr) bool { return b.Is4() == a.Is4() }):
				out++
			}
		}
		switch {
		case in > 0 && out == 0:
			side = "new side"
		case in > 0:
			side = "mixed"
		default:
			side = "old side"
		}
	}
	parts := []string{first.String()}
	if len(l.answers) > 1 {
		parts = append(parts, fmt.Sprintf("+%d", len(l.answers)-1))
	}
	if side != "" {
		parts = append(parts, side)
	}
	if l.hasTTL {
		parts = append(parts, fmt.Sprintf("TTL %d", l.ttl))
	}
	return strings.Join(parts, " ")
}

// lookupSystem asks the system resolver, which reports no TTL.
func (p *dnsProbe) lookupSystem(ctx context.Context, start time.Time) lookup {
	addrs, err := p.system.LookupNetIP(ctx, "ip", p.host)
	if err != nil {
		var dnsErr *net.DNSError
		notFound := errors.As(err, &dnsErr) && dnsErr.IsNotFound
		return lookup{failure: describe(ctx, err, "no DNS answer", start), answered: notFound}
	}
	l := lookup{answered: true}
	for _, a := range addrs {
		l.answers = append(l.answers, a.Unmap())
	}
	l.answers = sortAddrs(l.answers)
	if len(l.answers) == 0 {
		l.failure = fmt.Sprintf("dns: %s has no A or AAAA records", p.host)
	}
	return l
}

func sortAddrs(a []netip.Addr) []netip.Addr {
	slices.SortFunc(a, netip.Addr.Compare)
	return slices.Compact(a)
}

func addrStrings(a []netip.Addr) []string {
	out := make([]string, len(a))
	for i, x := range a {
		out[i] = x.String()
	}
	return out
}
