package health

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// TestFactsDeclared: polls of real loopback targets (an HTTP 503 with a backend header, an
// HTTPS answer, a refused port, an open TCP port, a DNS server's answer and NXDOMAIN) report
// exactly the facts their kind declares, each of its declared type.
func TestFactsDeclared(t *testing.T) {
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Backend", "aws-1")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer web.Close()
	cert, pool := testCert(t, time.Now().Add(30*24*time.Hour), "127.0.0.1")
	secure := tlsServer(t, cert)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	refused := freePort(t)
	dnsSrv := startDNS(t)
	cases := []struct {
		kind sources.Kind
		h    config.Health
		tls  bool
	}{
		{KindHTTP, config.Health{URL: web.URL, ServedByHeader: "X-Backend"}, false},
		{KindHTTP, config.Health{URL: secure.URL}, true},
		{KindHTTP, config.Health{URL: "http://" + refused}, false},
		{KindTCP, config.Health{TCP: ln.Addr().String()}, false},
		{KindTCP, config.Health{TCP: refused}, false},
		{KindDNS, config.Health{DNS: "market.example", Resolver: dnsSrv.addr}, false},
		{KindDNS, config.Health{DNS: "nowhere.example", Resolver: dnsSrv.addr}, false},
	}
	for _, c := range cases {
		p := newProbe(t, c.h)
		if c.tls {
			trust(p, pool)
		}
		if p.Kind() != c.kind.Name {
			t.Errorf("%+v: kind %q, declared %q", c.h, p.Kind(), c.kind.Name)
		}
		r := p.Poll(context.Background())
		if err := sources.CheckFacts(c.kind, r.Facts); err != nil {
			t.Errorf("%+v: %v (facts %v)", c.h, err, r.Facts)
		}
	}
}
