package health

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// rawDNS answers every question on a loopback UDP port with what answer makes of it,
// sending each returned message in turn; from, when set, sends the first one instead.
func rawDNS(t *testing.T, answer func(q *dns.Msg) []*dns.Msg, from net.PacketConn) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	go func() {
		buf := make([]byte, 2048)
		for i := 0; i < 100; i++ { // bounded: a test asks a few questions
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			q := new(dns.Msg)
			if q.Unpack(buf[:n]) != nil {
				continue
			}
			for j, m := range answer(q) {
				b, _ := m.Pack()
				if j == 0 && from != nil {
					_, _ = from.WriteTo(b, addr)
					continue
				}
				_, _ = pc.WriteTo(b, addr)
			}
		}
	}()
	return pc.LocalAddr().String()
}

func answerTo(q *dns.Msg, rcode int, rrs ...string) *dns.Msg {
	m := new(dns.Msg)
	m.SetRcode(q, rcode)
	for _, s := range rrs {
		rr, _ := dns.NewRR(s)
		if rr.Header().Rrtype == q.Question[0].Qtype {
			m.Answer = append(m.Answer, rr)
		}
	}
	return m
}

func TestDNSIgnoresWrongIDAndWrongAddress(t *testing.T) {
	stranger, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stranger.Close()
	addr := rawDNS(t, func(q *dns.Msg) []*dns.Msg {
		forged := answerTo(q, dns.RcodeSuccess, "market.example. 60 IN A 198.51.100.99") // right id, wrong address
		late := answerTo(q, dns.RcodeSuccess, "market.example. 60 IN A 198.51.100.98")
		late.Id = q.Id + 1 // right address, wrong id
		return []*dns.Msg{forged, late, answerTo(q, dns.RcodeSuccess, "market.example. 45 IN A 203.0.113.10")}
	}, stranger)
	p := newProbe(t, config.Health{DNS: "market.example", Resolver: addr, Timeout: config.Duration(2 * time.Second)})
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.OK)
	if got := fact(t, r, "answers"); !slices.Equal(got.([]string), []string{"203.0.113.10"}) || fact(t, r, "ttl_s") != 45 {
		t.Errorf("answers %v ttl %v: the forged and the late answer must be ignored", got, r.Facts["ttl_s"])
	}
}

func TestDNSRcodesInWords(t *testing.T) {
	cases := []struct {
		rcode int
		bare  bool // a header alone, as some resolvers answer REFUSED
		want  string
	}{
		{dns.RcodeRefused, true, "REFUSED"},
		{dns.RcodeNotImplemented, false, "NOTIMP"},
		{dns.RcodeBadCookie, false, "BADCOOKIE"}, // extended: the upper bits are in the OPT record
		{12, false, "RCODE 12"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			addr := rawDNS(t, func(q *dns.Msg) []*dns.Msg {
				m := answerTo(q, c.rcode)
				if c.bare {
					m.Question = nil
				} else {
					m.SetEdns0(1232, false)
					m.Rcode = c.rcode
				}
				return []*dns.Msg{m}
			}, nil)
			p := newProbe(t, config.Health{DNS: "market.example", Resolver: addr})
			r := p.Poll(context.Background())
			expectStatus(t, r, sources.Crit)
			if want := "dns: " + addr + " answered " + c.want + " for market.example"; r.Error != want || r.Failed {
				t.Errorf("error %q failed %v, want %q (an answer, not a failed poll)", r.Error, r.Failed, want)
			}
		})
	}
}

func TestDNSTCPWrongIDIsAnError(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// A TCP answer with another id is an error (over UDP it is ignored, as a late answer).
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		co := &dns.Conn{Conn: c}
		q, err := co.ReadMsg()
		if err != nil {
			return
		}
		m := answerTo(q, dns.RcodeSuccess, "big.example. 60 IN A 192.0.2.1")
		m.Id = q.Id ^ 0xffff
		_ = co.WriteMsg(m)
	}()
	p := newProbe(t, config.Health{DNS: "big.example", Resolver: l.Addr().String()}).(*dnsProbe)
	m, id, err := dnsQuery("big.example", dnsmessage.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.exchange(context.Background(), "tcp", m, id); err != errDNSID {
		t.Errorf("err %v, want %v", err, errDNSID)
	}
}

func TestValidDomainName(t *testing.T) {
	for s, want := range map[string]bool{
		"market.example": true, "a": true, "": false, "a..b": false, ".a": false,
		`a\.b`: false, string(make([]byte, 64)) + ".x": false,
	} {
		if got := validDomainName(s); got != want {
			t.Errorf("validDomainName(%q) = %v", s, got)
		}
	}
	if _, err := New(config.Health{Name: "x", DNS: "a..example"}, config.Defaults{}); err == nil {
		t.Error("a..example accepted")
	}
}

// FuzzParseDNSReply checks the parser against miekg/dns, an independent implementation:
// whatever both read, they read to the same addresses, TTL and code.
func FuzzParseDNSReply(f *testing.F) {
	q := new(dns.Msg)
	q.SetQuestion("market.example.", dns.TypeA)
	for _, m := range []*dns.Msg{
		answerTo(q, dns.RcodeSuccess, "market.example. 60 IN A 203.0.113.10", "market.example. 30 IN A 203.0.113.11"),
		answerTo(q, dns.RcodeNameError),
		answerTo(q.Copy().SetQuestion("www.example.", dns.TypeAAAA), dns.RcodeSuccess, "www.example. 30 IN AAAA 2001:db8::1"),
	} {
		b, _ := m.Pack()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := parseDNSReply(b)
		want := new(dns.Msg)
		if err != nil || want.Unpack(b) != nil || got.truncated {
			return
		}
		var addrs []netip.Addr
		var ttl uint32
		hasTTL := false
		for _, rr := range want.Answer {
			var ip net.IP
			switch rr := rr.(type) {
			case *dns.A:
				ip = rr.A
			case *dns.AAAA:
				ip = rr.AAAA
			case *dns.CNAME:
			default:
				continue
			}
			if !hasTTL || rr.Header().Ttl < ttl {
				ttl, hasTTL = rr.Header().Ttl, true
			}
			if a, ok := netip.AddrFromSlice(ip); ok {
				addrs = append(addrs, a.Unmap())
			}
		}
		if !slices.Equal(got.answers, addrs) || got.ttl != ttl || got.hasTTL != hasTTL || got.id != want.Id {
			t.Errorf("parsed %v ttl %d/%v id %d; miekg/dns %v ttl %d/%v id %d", got.answers, got.ttl, got.hasTTL, got.id, addrs, ttl, hasTTL, want.Id)
		}
		if got.rcode != want.Rcode {
			t.Errorf("rcode %d; miekg/dns %d", got.rcode, want.Rcode)
		}
	})
}
