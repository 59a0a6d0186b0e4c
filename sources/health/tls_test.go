package health

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// tlsServer serves "ok" over TLS with cert.
func tlsServer(t *testing.T, cert tls.Certificate) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "ok %s", r.TLS.ServerName)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are the point here
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestTLSCertificateNearExpiryWarns(t *testing.T) {
	cert, pool := testCert(t, time.Now().Add(3*24*time.Hour+time.Hour), "127.0.0.1")
	srv := tlsServer(t, cert)
	p := newProbe(t, config.Health{URL: srv.URL})
	trust(p, pool)
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.Warn)
	if r.Error != "" || r.Detail != "cert expires in 3 d" {
		t.Errorf("error %q detail %q", r.Error, r.Detail)
	}
	if got := fact(t, r, "tls_days_left"); got != 3 {
		t.Errorf("tls_days_left %v, want 3", got)
	}
	if _, ok := fact(t, r, "phases_ms").(map[string]float64)["tls"]; !ok {
		t.Errorf("no tls phase: %v", r.Facts["phases_ms"])
	}

	// tls_warn_days: 2 accepts three days; 0 turns the check off.
	for _, days := range []int{2, 0} {
		p := newProbe(t, config.Health{URL: srv.URL, TLSWarnDays: &days})
		trust(p, pool)
		expectStatus(t, p.Poll(context.Background()), sources.OK)
	}
}

func TestTLSFailures(t *testing.T) {
	expired, expiredPool := testCert(t, time.Now().Add(-24*time.Hour), "127.0.0.1")
	named, namedPool := testCert(t, time.Now().Add(90*24*time.Hour), "market.example")
	untrusted, _ := testCert(t, time.Now().Add(90*24*time.Hour), "127.0.0.1")
	untrustedSrv := tlsServer(t, untrusted)
	expiredSrv := tlsServer(t, expired)
	namedSrv := tlsServer(t, named)
	plain := httptest.NewServer(siteHandler())
	defer plain.Close()

	cases := []struct {
		name string
		h    config.Health
		pool bool
		want string
	}{
		{"unknown authority", config.Health{URL: untrustedSrv.URL}, false, "TLS: certificate signed by an unknown authority (insecure_skip_verify: true probes anyway)"},
		{"no IP in cert", config.Health{URL: namedSrv.URL}, true, "TLS: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs"},
		{"wrong name", config.Health{URL: namedSrv.URL, Headers: map[string]string{"Host": "shop.example"}}, true, "TLS: certificate is valid for market.example, not shop.example"},
		{"expired", config.Health{URL: expiredSrv.URL}, true, "TLS: certificate expired on " + expired.Leaf.NotAfter.UTC().Format(time.DateOnly)},
		{"expired but insecure", config.Health{URL: expiredSrv.URL, InsecureSkipVerify: true}, false, "TLS: certificate expired on " + expired.Leaf.NotAfter.UTC().Format(time.DateOnly)},
		{"plain HTTP port", config.Health{URL: strings.Replace(plain.URL, "http:", "https:", 1)}, false, "TLS: the server did not answer with TLS (plain HTTP on this port?)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProbe(t, c.h)
			if c.pool {
				trust(p, namedPool)
				if c.name == "expired" {
					trust(p, expiredPool)
				}
			}
			r := p.Poll(context.Background())
			expectStatus(t, r, sources.Crit)
			if r.Error != c.want {
				t.Errorf("error %q, want %q", r.Error, c.want)
			}
			// Only the insecure probe got an answer; the others failed in the handshake.
			if r.Failed == c.h.InsecureSkipVerify {
				t.Errorf("failed %v", r.Failed)
			}
		})
	}
}

func TestTLSHostHeaderIsTheServerName(t *testing.T) {
	// Probing a backend by address before DNS flips: the Host header names the site, and
	// the certificate is checked against that name.
	cert, pool := testCert(t, time.Now().Add(90*24*time.Hour), "market.example")
	srv := tlsServer(t, cert)
	p := newProbe(t, config.Health{
		URL:     srv.URL,
		Headers: map[string]string{"Host": "market.example"},
		Expect:  config.HealthExpect{BodyContains: "ok market.example"},
	})
	trust(p, pool)
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.OK)
	if d := fact(t, r, "tls_days_left"); d != 89 {
		t.Errorf("tls_days_left %v, want 89", d)
	}
}
