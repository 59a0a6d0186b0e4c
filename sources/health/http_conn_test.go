package health

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// countingServer counts the TCP connections its clients open.
func countingServer(t *testing.T, h http.Handler) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			n.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestHTTPKeepAliveReuseAndFreshConnection(t *testing.T) {
	for _, c := range []struct {
		fresh bool
		want  int64
	}{{false, 1}, {true, 5}} {
		srv, conns := countingServer(t, siteHandler())
		p := newProbe(t, config.Health{URL: srv.URL + "/healthz", FreshConnection: c.fresh})
		for i := 0; i < 5; i++ {
			expectStatus(t, p.Poll(context.Background()), sources.OK)
		}
		if got := conns.Load(); got != c.want {
			t.Errorf("fresh_connection %v: %d connections for 5 polls, want %d", c.fresh, got, c.want)
		}
	}
}

func TestHTTPProbesDoNotShareConnections(t *testing.T) {
	srv, conns := countingServer(t, siteHandler())
	a := newProbe(t, config.Health{URL: srv.URL + "/healthz"})
	b := newProbe(t, config.Health{URL: srv.URL + "/healthz"})
	for i := 0; i < 3; i++ {
		a.Poll(context.Background())
		b.Poll(context.Background())
	}
	if got := conns.Load(); got != 2 {
		t.Errorf("two probes, 3 polls each: %d connections, want 2", got)
	}
	// After Close, the next poll needs a new connection.
	_ = a.(interface{ Close() error }).Close()
	a.Poll(context.Background())
	if got := conns.Load(); got != 3 {
		t.Errorf("after Close: %d connections, want 3", got)
	}
}

func TestHTTPRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new", http.StatusFound)
	})
	mux.HandleFunc("/new", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok new") })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusMovedPermanently)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	p := newProbe(t, config.Health{URL: srv.URL + "/old"})
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.Crit)
	if r.Error != "status 302, expected 2xx (redirect to /new; follow_redirects: true follows it)" {
		t.Errorf("error %q", r.Error)
	}

	p = newProbe(t, config.Health{URL: srv.URL + "/old", Expect: config.HealthExpect{Status: []int{302}}})
	expectStatus(t, p.Poll(context.Background()), sources.OK)

	p = newProbe(t, config.Health{URL: srv.URL + "/old", FollowRedirects: true, Expect: config.HealthExpect{BodyContains: "ok new"}})
	r = p.Poll(context.Background())
	expectStatus(t, r, sources.OK)
	if r.Facts["status_code"] != 200 {
		t.Errorf("status_code %v after following, want 200", r.Facts["status_code"])
	}

	p = newProbe(t, config.Health{URL: srv.URL + "/loop", FollowRedirects: true})
	r = p.Poll(context.Background())
	expectStatus(t, r, sources.Crit)
	if r.Error != "stopped after 10 redirects" {
		t.Errorf("error %q", r.Error)
	}
}

func TestHTTPServedByShareAndFlip(t *testing.T) {
	var backend atomic.Value
	backend.Store("old")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if b := backend.Load().(string); b != "" {
			w.Header().Set("X-Served-By", b)
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	p := newProbe(t, config.Health{URL: srv.URL, ServedByHeader: "x-served-by"})
	var events []string
	poll := func(n int, b string) sources.Result {
		backend.Store(b)
		var r sources.Result
		for i := 0; i < n; i++ {
			r = p.Poll(context.Background())
			expectStatus(t, r, sources.OK)
			events = append(events, r.Events...)
		}
		return r
	}
	r := poll(3, "old")
	if len(events) != 0 || r.Detail != "old 100%" || r.Facts["served_by"] != "old" {
		t.Fatalf("steady on old: events %q detail %q facts %v", events, r.Detail, r.Facts)
	}
	r = poll(7, "aws-1")
	// A majority moves only at three quarters of the window (a balanced pool does not flap).
	if strings.Join(events, "|") != "served by: aws-1 now answers — old 75% · aws-1 25%" {
		t.Errorf("events %q, want aws-1 appearing, its 70%% not yet a move", events)
	}
	if r.Detail != "aws-1 70% · old 30%" || r.Facts["served_by"] != "aws-1" {
		t.Errorf("detail %q served_by %v", r.Detail, r.Facts["served_by"])
	}
	// The window is the last 20 answers: after 20 more from aws-1, old is gone.
	events = nil
	r = poll(20, "aws-1")
	if r.Detail != "aws-1 100%" || strings.Join(events, "|") != "served by: most answers now from aws-1 (was old) — aws-1 75% · old 25%|"+
		"served by: old stopped answering (none of the last 20) — aws-1 100%" {
		t.Errorf("detail %q events %q after the window passed", r.Detail, events)
	}
	// A backend that does not set the header at all is a backend too.
	events = nil
	r = poll(1, "")
	if strings.Join(events, "|") != "served by: no header now answers — aws-1 95% · no header 5%" || r.Facts["served_by"] != "" {
		t.Errorf("events %q served_by %q", events, r.Facts["served_by"])
	}
}

func TestServedByShareNamesTopThree(t *testing.T) {
	var s servedBy
	for _, v := range []string{"a", "a", "a", "a", "b", "b", "b", "c", "c", "d", "e"} {
		s.add(v)
	}
	if got := s.share(); got != "a 36% · b 27% · c 18% · other 18%" {
		t.Errorf("share %q", got)
	}
	var four servedBy
	for _, v := range []string{"a", "b", "c", "d"} {
		four.add(v)
	}
	if got := four.share(); got != "a 25% · b 25% · c 25% · d 25%" {
		t.Errorf("share of four %q", got)
	}
}
