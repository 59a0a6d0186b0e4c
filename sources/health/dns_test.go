package health

import (
	"context"
	"fmt"
	"net"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// zone is what the test DNS server knows, as resource records in zone-file form.
var zone = []string{
	"market.example. 60 IN A 203.0.113.10",
	"old.example. 300 IN A 198.51.100.7",
	"mixed.example. 120 IN A 203.0.113.10",
	"mixed.example. 90 IN A 198.51.100.7",
	"dual.example. 60 IN A 203.0.113.11",
	"dual.example. 60 IN AAAA 2001:db8::11",
	"www.example. 30 IN CNAME market.example.",
	"empty.example. 60 IN TXT \"no addresses here\"",
}

// dnsServer answers from zone over UDP and TCP on one loopback port. big.example has 100 A
// records, more than fit the UDP size, so the UDP answer is truncated. fail.example
// answers SERVFAIL; other names NXDOMAIN. It counts the questions asked over TCP.
type dnsServer struct {
	addr       string
	tcpQueries atomic.Int64
}

func startDNS(t *testing.T) *dnsServer {
	t.Helper()
	records := map[string][]dns.RR{}
	for _, s := range zone {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		records[rr.Header().Name] = append(records[rr.Header().Name], rr)
	}
	for i := 0; i < 100; i++ {
		rr, _ := dns.NewRR(fmt.Sprintf("big.example. 60 IN A 192.0.2.%d", i+1))
		records["big.example."] = append(records["big.example."], rr)
	}
	d := &dnsServer{}
	handler := dns.HandlerFunc(func(w dns.ResponseWriter, q *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(q)
		name, qtype := q.Question[0].Name, q.Question[0].Qtype
		_, isTCP := w.RemoteAddr().(*net.TCPAddr)
		if isTCP {
			d.tcpQueries.Add(1)
		}
		switch rrs, known := records[name]; {
		case name == "fail.example.":
			m.Rcode = dns.RcodeServerFailure
		case !known:
			m.Rcode = dns.RcodeNameError
		default:
			for _, rr := range rrs {
				if rr.Header().Rrtype == qtype || rr.Header().Rrtype == dns.TypeCNAME {
					m.Answer = append(m.Answer, rr)
					if c, ok := rr.(*dns.CNAME); ok {
						for _, target := range records[c.Target] {
							if target.Header().Rrtype == qtype {
								m.Answer = append(m.Answer, target)
							}
						}
					}
				}
			}
		}
		if !isTCP {
			m.Truncate(dns.MinMsgSize) // 512 bytes: big.example does not fit
		}
		_ = w.WriteMsg(m)
	})
	for attempt := 0; ; attempt++ {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		l, err := net.Listen("tcp", pc.LocalAddr().String())
		if err != nil { // the port is taken for TCP; try another
			_ = pc.Close()
			if attempt == 10 {
				t.Fatal(err)
			}
			continue
		}
		d.addr = pc.LocalAddr().String()
		serve(t, &dns.Server{PacketConn: pc, Handler: handler})
		serve(t, &dns.Server{Listener: l, Handler: handler})
		return d
	}
}

// serve runs s until the test ends.
func serve(t *testing.T, s *dns.Server) {
	t.Helper()
	started := make(chan struct{})
	s.NotifyStartedFunc = func() { close(started) }
	done := make(chan struct{})
	go func() { defer close(done); _ = s.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = s.Shutdown(); <-done })
}

func TestDNSAnswersTTLAndSide(t *testing.T) {
	srv := startDNS(t)
	newSide := []string{"203.0.113.10", "203.0.113.11"}
	cases := []struct {
		name    string
		anyOf   []string
		answers []string
		ttl     int
		matched bool
		detail  string
	}{
		{"market.example", newSide, []string{"203.0.113.10"}, 60, true, "203.0.113.10 new side TTL 60"},
		{"old.example", newSide, []string{"198.51.100.7"}, 300, false, "198.51.100.7 old side TTL 300"},
		{"mixed.example", newSide, []string{"198.51.100.7", "203.0.113.10"}, 90, true, "203.0.113.10 +1 mixed TTL 90"},
		{"dual.example", newSide, []string{"203.0.113.11", "2001:db8::11"}, 60, true, "203.0.113.11 +1 new side TTL 60"},
		{"www.example.", newSide, []string{"203.0.113.10"}, 30, true, "203.0.113.10 new side TTL 30"},
		{"old.example", nil, []string{"198.51.100.7"}, 300, true, "198.51.100.7 TTL 300"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProbe(t, config.Health{DNS: c.name, Resolver: srv.addr, Expect: config.HealthExpect{AnyOf: c.anyOf}})
			if p.Kind() != "dns" {
				t.Fatalf("kind %q", p.Kind())
			}
			r := p.Poll(context.Background())
			expectStatus(t, r, sources.OK)
			if got := fact(t, r, "answers"); !reflect.DeepEqual(got, c.answers) {
				t.Errorf("answers %v, want %v", got, c.answers)
			}
			if got := fact(t, r, "ttl_s"); got != c.ttl {
				t.Errorf("ttl_s %v, want %d", got, c.ttl)
			}
			if got := fact(t, r, "matched"); got != c.matched {
				t.Errorf("matched %v, want %v", got, c.matched)
			}
			if r.Detail != c.detail || r.Error != "" || fact(t, r, "error") != "" {
				t.Errorf("detail %q error %q", r.Detail, r.Error)
			}
			if r.Value == nil || r.Unit != "ms" {
				t.Errorf("value %v unit %q, want the lookup time in ms", r.Value, r.Unit)
			}
		})
	}
}

func TestDNSTruncatedAnswerRetriesOverTCP(t *testing.T) {
	srv := startDNS(t)
	p := newProbe(t, config.Health{DNS: "big.example", Resolver: srv.addr})
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.OK)
	if n := len(fact(t, r, "answers").([]string)); n != 100 {
		t.Errorf("%d answers, want 100", n)
	}
	if got := r.Facts["answers"].([]string); got[0] != "192.0.2.1" || got[9] != "192.0.2.10" {
		t.Errorf("answers not in address order: %v", got[:10])
	}
	if srv.tcpQueries.Load() == 0 {
		t.Errorf("no query over TCP after a truncated UDP answer")
	}
}

func TestDNSFailures(t *testing.T) {
	srv := startDNS(t)
	silent, err := net.ListenPacket("udp", "127.0.0.1:0") // reads nothing, answers nothing
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	refused, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusedAddr := refused.LocalAddr().String()
	_ = refused.Close()

	cases := []struct {
		name, resolver, want string
		answered             bool
	}{
		{"nope.example", srv.addr, "dns: nope.example: no such domain (NXDOMAIN from " + srv.addr + ")", true},
		{"fail.example", srv.addr, "dns: " + srv.addr + " answered SERVFAIL for fail.example", true},
		{"empty.example", srv.addr, "dns: empty.example has no A or AAAA records", true},
		{"market.example", silent.LocalAddr().String(), "dns: timeout after 300ms (no DNS answer)", false},
		{"market.example", refusedAddr, "dns: nothing answers on " + refusedAddr + " (connection refused)", false},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			p := newProbe(t, config.Health{DNS: c.name, Resolver: c.resolver, Timeout: config.Duration(300 * time.Millisecond),
				Expect: config.HealthExpect{AnyOf: []string{"203.0.113.10"}}})
			start := time.Now()
			r := p.Poll(context.Background())
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("poll took %v with a 300ms timeout", took)
			}
			expectStatus(t, r, sources.Crit)
			if r.Error != c.want || fact(t, r, "error") != c.want {
				t.Errorf("error %q, want %q", r.Error, c.want)
			}
			if fact(t, r, "matched") != false || len(fact(t, r, "answers").([]string)) != 0 || fact(t, r, "ttl_s") != nil {
				t.Errorf("facts %v", r.Facts)
			}
			if r.Failed == c.answered {
				t.Errorf("failed %v: NXDOMAIN and SERVFAIL are answers, silence is a failed poll", r.Failed)
			}
			if (r.Value != nil) != c.answered {
				t.Errorf("value %v: an answer (even NXDOMAIN) has a lookup time, a timeout has none", r.Value)
			}
		})
	}
}

func TestDNSCancelEndsTheWait(t *testing.T) {
	silent, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	p := newProbe(t, config.Health{DNS: "market.example", Resolver: silent.LocalAddr().String(), Timeout: config.Duration(10 * time.Second)})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	r := p.Poll(ctx)
	if took := time.Since(start); took > 2*time.Second || r.Error != "dns: canceled" {
		t.Errorf("took %v, error %q", took, r.Error)
	}
}

func TestDNSSystemResolver(t *testing.T) {
	p := newProbe(t, config.Health{DNS: "localhost", Expect: config.HealthExpect{AnyOf: []string{"127.0.0.1"}}})
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.OK)
	answers := fact(t, r, "answers").([]string)
	if len(answers) == 0 || answers[0] != "127.0.0.1" || fact(t, r, "matched") != true {
		t.Errorf("answers %v matched %v", answers, r.Facts["matched"])
	}
	if fact(t, r, "ttl_s") != nil {
		t.Errorf("ttl_s %v: the system resolver tells no TTL", r.Facts["ttl_s"])
	}
	if !strings.HasPrefix(r.Detail, "127.0.0.1 ") || !strings.Contains(r.Detail, "new side") || strings.Contains(r.Detail, "TTL") {
		t.Errorf("detail %q", r.Detail)
	}
}

func TestDNSResolverWithoutPort(t *testing.T) {
	s, err := New(config.Health{Name: "x", DNS: "market.example", Resolver: "127.0.0.1"}, config.Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.(*dnsProbe).resolver; got != "127.0.0.1:53" {
		t.Errorf("resolver %q, want 127.0.0.1:53", got)
	}
}
