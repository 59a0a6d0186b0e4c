package health

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// https with a CA from ca_file: the certificate's days left, one handshake for many polls,
// and HTTP/1.1 even when the server offers HTTP/2.
func TestLeanHTTPSWithCAFile(t *testing.T) {
	cert, _ := testCert(t, time.Now().Add(30*24*time.Hour+time.Hour), "127.0.0.1")
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "ok %s", r.Proto)
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o644); err != nil {
		t.Fatal(err)
	}
	p := leanProbe(t, config.Health{URL: srv.URL + "/", CAFile: ca, Expect: config.HealthExpect{BodyContains: "ok HTTP/1.1"}})
	for i := 0; i < 3; i++ {
		r := p.Poll(context.Background())
		expectStatus(t, r, sources.OK)
		if d := fact(t, r, "tls_days_left"); d != 30 {
			t.Errorf("tls_days_left %v, want 30", d)
		}
		ph := r.Facts["phases_ms"].(map[string]float64)
		if _, ok := ph["tls"]; ok != (i == 0) {
			t.Errorf("poll %d: phases %v (a handshake only on the first)", i, ph)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 3 https polls, want 1", n)
	}
}

// The lean path is not taken where net/http does what it does not: a proxy named by the
// environment for the URL, redirects followed. A request through a real loopback proxy
// arrives there in the proxy's form (the absolute URL).
func TestLeanFallsBackForProxyAndRedirects(t *testing.T) {
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "via proxy %s", r.URL)
	}))
	defer proxy.Close()
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("HTTPS_PROXY", proxy.URL)
	t.Setenv("NO_PROXY", "direct.example")
	for _, c := range []struct {
		h    config.Health
		lean bool
	}{
		{config.Health{URL: "http://market.example/healthz"}, false},
		{config.Health{URL: "https://market.example/healthz"}, false},
		{config.Health{URL: "http://direct.example/healthz"}, true},
		{config.Health{URL: "http://127.0.0.1:9/healthz"}, true}, // loopback is never proxied
		{config.Health{URL: "http://127.0.0.1:9/healthz", FollowRedirects: true}, false},
		{config.Health{URL: "http://127.0.0.1:9/", Headers: map[string]string{"X-Bad": "a\x01b"}}, false}, // net/http says why
	} {
		p := newProbe(t, c.h)
		if got := p.(*httpProbe).lean != nil; got != c.lean {
			t.Errorf("%+v: lean path %v, want %v", c.h, got, c.lean)
		}
	}
	p := newProbe(t, config.Health{URL: "http://market.example/healthz", Expect: config.HealthExpect{BodyContains: "via proxy http://market.example/healthz"}})
	expectStatus(t, p.Poll(context.Background()), sources.OK)
}

// What the lean path writes is what net/http would: the configured headers, the Host
// header, basic auth from the URL, Content-Length: 0 for a POST; the same server sees the
// same request from both paths.
func TestLeanRequestMatchesNetHTTP(t *testing.T) {
	seen := make(chan string, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		seen <- fmt.Sprintf("%s %s %s host=%s ua=%s x=%q auth=%s:%s len=%d te=%v",
			r.Method, r.URL.RequestURI(), r.Proto, r.Host, r.UserAgent(), r.Header.Values("X-Probe"), user, pass, r.ContentLength, r.TransferEncoding)
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	h := config.Health{
		URL:     strings.Replace(srv.URL, "http://", "http://probe:s3cret@", 1) + "/a%20b/c?x=1&y=%2F",
		Method:  "post",
		Headers: map[string]string{"Host": "market.example", "X-Probe": "  warroom  ", "Content-Length": "12"},
	}
	var got []string
	for _, lean := range []bool{true, false} {
		p := newProbe(t, h)
		if !lean {
			p.(*httpProbe).lean = nil
		}
		expectStatus(t, p.Poll(context.Background()), sources.OK)
		got = append(got, <-seen)
	}
	if got[0] != got[1] {
		t.Errorf("lean path sent\n  %s\nnet/http sent\n  %s", got[0], got[1])
	}
	if !strings.Contains(got[0], "auth=probe:s3cret") || !strings.Contains(got[0], "host=market.example") {
		t.Errorf("request %s", got[0])
	}
}

// A name is resolved by the probe itself (the dns phase), and its addresses are tried in
// order: localhost may be ::1 first, where nothing listens.
func TestLeanResolvesNames(t *testing.T) {
	srv := httptest.NewServer(siteHandler())
	defer srv.Close()
	p := leanProbe(t, config.Health{URL: strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/healthz"})
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.OK)
	ph := r.Facts["phases_ms"].(map[string]float64)
	for _, k := range []string{"dns", "connect", "first_byte", "total"} {
		if _, ok := ph[k]; !ok {
			t.Errorf("no %s phase: %v", k, ph)
		}
	}
}
