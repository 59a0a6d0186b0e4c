package health

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/miekg/dns"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// backend is a loopback server that names itself in X-Served-By.
func backend(t *testing.T, name string) *url.URL {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Served-By", name)
		fmt.Fprint(w, "ok")
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u
}

// TestServedByRoundRobinIsNoFlood: a loopback proxy spreading requests 7:3 over two real
// backends (a a b a a b a a b a …) makes one event as b first answers, then none for 60
// polls; the share is a fact and the row's detail; when the proxy moves everything to b,
// the majority move and a's leaving are one event each.
func TestServedByRoundRobinIsNoFlood(t *testing.T) {
	a, b := backend(t, "web-a"), backend(t, "web-b")
	var n, allB atomic.Int64
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		to := a
		if k := n.Add(1) - 1; allB.Load() == 1 || k%10 == 2 || k%10 == 5 || k%10 == 8 {
			to = b
		}
		r.SetURL(to)
	}})
	t.Cleanup(proxy.Close)
	p := newProbe(t, config.Health{URL: proxy.URL, ServedByHeader: "x-served-by"})
	var events []string
	var r sources.Result
	polls := func(k int) {
		for range k {
			r = p.Poll(context.Background())
			expectStatus(t, r, sources.OK)
			events = append(events, r.Events...)
		}
	}
	polls(60)
	if len(events) != 1 || !strings.HasPrefix(events[0], "served by: web-b now answers") {
		t.Errorf("7:3 round-robin over 60 polls made %d events, want only web-b appearing: %q", len(events), events)
	}
	if got := fmt.Sprint(r.Facts["served_by_share"]); got != "map[web-a:70 web-b:30]" {
		t.Errorf("served_by_share %s, want map[web-a:70 web-b:30]", got)
	}
	if r.Detail != "web-a 70% · web-b 30%" {
		t.Errorf("detail %q, want the share first and alone", r.Detail)
	}

	events = nil
	allB.Store(1)
	polls(25)
	want := []string{"served by: most answers now from web-b (was web-a)", "served by: web-a stopped answering (none of the last 20)"}
	if len(events) != 2 || !strings.HasPrefix(events[0], want[0]) || !strings.HasPrefix(events[1], want[1]) {
		t.Errorf("moving to web-b made events %q, want %q", events, want)
	}
}

// TestDNSAnswerChangeIsAnEvent: a loopback DNS server whose answer for flip.example moves
// from the old address to the new one: the poll that sees it carries one event naming both
// and the side; the same answer again is no event.
func TestDNSAnswerChangeIsAnEvent(t *testing.T) {
	var addr atomic.Value
	addr.Store("198.51.100.7")
	handler := dns.HandlerFunc(func(w dns.ResponseWriter, q *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(q)
		if q.Question[0].Qtype == dns.TypeA {
			rr, _ := dns.NewRR("flip.example. 60 IN A " + addr.Load().(string))
			m.Answer = append(m.Answer, rr)
		}
		_ = w.WriteMsg(m)
	})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serve(t, &dns.Server{PacketConn: pc, Handler: handler})
	p := newProbe(t, config.Health{DNS: "flip.example", Resolver: pc.LocalAddr().String(),
		Expect: config.HealthExpect{AnyOf: []string{"203.0.113.10"}}})
	var events []string
	for i := range 6 {
		if i == 3 {
			addr.Store("203.0.113.10")
		}
		r := p.Poll(context.Background())
		expectStatus(t, r, sources.OK)
		events = append(events, r.Events...)
	}
	want := "flip.example answers changed: 198.51.100.7 → 203.0.113.10 (new side)"
	if strings.Join(events, "|") != want {
		t.Errorf("events %q, want only %q", events, want)
	}
}
