package health

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// siteHandler is a small site: /healthz answers JSON, /maintenance is a 503 page,
// /slow waits before answering, /echo reports the method and Host it saw.
func siteHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"db":"up","n":3,"checks":[{"name":"cache","status":"ok"},{"name":"queue","status":"degraded"}],"ready":true}`)
	})
	mux.HandleFunc("/maintenance", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, "<!DOCTYPE html>\n<html><head><title>Maintenance</title></head><body>back soon</body></html>")
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(60 * time.Millisecond) // wall time: the probe measures real latency on a real connection
		fmt.Fprint(w, "ok")
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s %s", r.Method, r.Host, r.Header.Get("X-Probe"))
	})
	return mux
}

func TestHTTPHealthyAnswer(t *testing.T) {
	srv := httptest.NewServer(siteHandler())
	defer srv.Close()
	p := newProbe(t, config.Health{URL: srv.URL + "/healthz"})
	if p.Kind() != "health" || p.Name() != "probe" {
		t.Fatalf("kind %q name %q", p.Kind(), p.Name())
	}
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.OK)
	if r.Value == nil || *r.Value <= 0 || r.Unit != "ms" {
		t.Fatalf("value %v unit %q, want a latency in ms", r.Value, r.Unit)
	}
	if r.Detail != "" {
		t.Errorf("detail %q, want none: the latency is the row's value and 200 is no news", r.Detail)
	}
	if got := fact(t, r, "status_code"); got != 200 {
		t.Errorf("status_code %v", got)
	}
	if got := fact(t, r, "latency_ms"); got != *r.Value {
		t.Errorf("latency_ms %v, value %v", got, *r.Value)
	}
	if got := fact(t, r, "tls_days_left"); got != nil {
		t.Errorf("tls_days_left %v for plain HTTP, want nil", got)
	}
	if got := fact(t, r, "error"); got != "" {
		t.Errorf("error %q", got)
	}
	ph := fact(t, r, "phases_ms").(map[string]float64)
	for _, k := range []string{"connect", "first_byte", "total"} {
		if _, ok := ph[k]; !ok {
			t.Errorf("phases_ms has no %q on a new connection: %v", k, ph)
		}
	}
	if ph["total"] != *r.Value || ph["first_byte"] > ph["total"] {
		t.Errorf("phases %v do not add up to the value %v", ph, *r.Value)
	}
}

func TestHTTPExpectations(t *testing.T) {
	srv := httptest.NewServer(siteHandler())
	defer srv.Close()
	cases := []struct {
		name   string
		path   string
		expect config.HealthExpect
		status sources.Status
		err    string // the start of Error; "" means none
		detail string // the start of Detail ("" for an answer that is all right: nothing to add)
	}{
		{"default 2xx", "/healthz", config.HealthExpect{}, sources.OK, "", ""},
		{"503 not expected", "/maintenance", config.HealthExpect{Status: []int{200}}, sources.Crit, "status 503, expected 200", "503 Maintenance"},
		{"503 not 2xx", "/maintenance", config.HealthExpect{}, sources.Crit, "status 503, expected 2xx", "503 Maintenance"},
		{"two statuses", "/maintenance", config.HealthExpect{Status: []int{200, 204}}, sources.Crit, "status 503, expected 200 or 204", "503"},
		{"maintenance expected", "/maintenance", config.HealthExpect{Status: []int{503}, BodyContains: "back soon"}, sources.OK, "", "503 Maintenance"},
		{"body missing", "/healthz", config.HealthExpect{BodyContains: "healthy"}, sources.Crit, `body did not contain "healthy"`, "200 · "},
		{"body present", "/healthz", config.HealthExpect{BodyContains: `"db":"up"`}, sources.OK, "", ""},
		{"json equal", "/healthz", config.HealthExpect{JSON: &config.JSONCheck{Path: "$.db", Equals: "up"}}, sources.OK, "", ""},
		{"json int from yaml", "/healthz", config.HealthExpect{JSON: &config.JSONCheck{Path: "$.n", Equals: uint64(3)}}, sources.OK, "", ""},
		{"json bool", "/healthz", config.HealthExpect{JSON: &config.JSONCheck{Path: "$.ready", Equals: true}}, sources.OK, "", ""},
		{"json nested", "/healthz", config.HealthExpect{JSON: &config.JSONCheck{Path: "$.checks[-1].status", Equals: "ok"}}, sources.Crit, `json $.checks[-1].status is "degraded", expected "ok"`, "200 · "},
		{"json exists", "/healthz", config.HealthExpect{JSON: &config.JSONCheck{Path: "$.checks[1]"}}, sources.OK, "", ""},
		{"json missing", "/healthz", config.HealthExpect{JSON: &config.JSONCheck{Path: "$.cache"}}, sources.Crit, `json $.cache not found: $ has no key "cache"`, "200"},
		{"json not json", "/maintenance", config.HealthExpect{Status: []int{503}, JSON: &config.JSONCheck{Path: "$.db"}}, sources.Crit, "body is not JSON", "503"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newProbe(t, config.Health{URL: srv.URL + c.path, Expect: c.expect})
			r := p.Poll(context.Background())
			expectStatus(t, r, c.status)
			if c.err == "" && r.Error != "" || !strings.HasPrefix(r.Error, c.err) {
				t.Errorf("error %q, want %q", r.Error, c.err)
			}
			if fact(t, r, "error") != r.Error {
				t.Errorf("facts error %q differs from Error %q", r.Facts["error"], r.Error)
			}
			if !strings.HasPrefix(r.Detail, c.detail) || c.detail == "" && r.Detail != "" {
				t.Errorf("detail %q, want it to start with %q", r.Detail, c.detail)
			}
			if r.Value == nil || r.Failed {
				t.Errorf("value %v failed %v: the server answered", r.Value, r.Failed)
			}
		})
	}
}

func TestHTTPLatencyLimitsAndPhases(t *testing.T) {
	srv := httptest.NewServer(siteHandler())
	defer srv.Close()
	limits := func(warn, crit time.Duration) config.DurationLimits {
		return config.DurationLimits{Warn: config.Duration(warn), Crit: config.Duration(crit)}
	}
	for _, c := range []struct {
		limits config.DurationLimits
		want   sources.Status
	}{
		{limits(20*time.Millisecond, 40*time.Millisecond), sources.Crit},
		{limits(20*time.Millisecond, 0), sources.Warn},
		{limits(time.Second, 2*time.Second), sources.OK},
	} {
		p := newProbe(t, config.Health{URL: srv.URL + "/slow", Latency: c.limits})
		r := p.Poll(context.Background())
		expectStatus(t, r, c.want)
		if r.Error != "" {
			t.Errorf("a slow answer is not a failed poll, got error %q", r.Error)
		}
		if *r.Value < 60 {
			t.Errorf("latency %v ms for a 60 ms handler", *r.Value)
		}
		ph := r.Facts["phases_ms"].(map[string]float64)
		if ph["first_byte"] < 60 {
			t.Errorf("first_byte %v ms for a 60 ms handler", ph["first_byte"])
		}
		// The second poll reuses the connection: no connect phase, the server time stays.
		r = p.Poll(context.Background())
		ph = r.Facts["phases_ms"].(map[string]float64)
		if _, ok := ph["connect"]; ok || ph["first_byte"] < 60 {
			t.Errorf("phases of a reused connection: %v", ph)
		}
	}
}

func TestHTTPMethodHeadersAndHost(t *testing.T) {
	srv := httptest.NewServer(siteHandler())
	defer srv.Close()
	p := newProbe(t, config.Health{
		URL:     srv.URL + "/echo",
		Method:  "head",
		Headers: map[string]string{"host": "market.example", "X-Probe": "warroom"},
	})
	expectStatus(t, p.Poll(context.Background()), sources.OK)

	p = newProbe(t, config.Health{
		URL:     srv.URL + "/echo",
		Headers: map[string]string{"Host": "market.example", "X-Probe": "warroom"},
		Expect:  config.HealthExpect{BodyContains: "GET market.example warroom"},
	})
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.OK)
}

func TestHTTPRefused(t *testing.T) {
	p := newProbe(t, config.Health{URL: "http://" + freePort(t) + "/"})
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.Crit)
	if r.Error != "connect: connection refused" || r.Detail != "connect: connection refused" || !r.Failed {
		t.Errorf("error %q detail %q", r.Error, r.Detail)
	}
	if r.Value != nil || fact(t, r, "status_code") != nil || fact(t, r, "latency_ms") != nil {
		t.Errorf("no answer must leave value, status_code and latency_ms unknown: %v %v", r.Value, r.Facts)
	}
	if _, ok := fact(t, r, "phases_ms").(map[string]float64)["total"]; ok {
		t.Errorf("a refused request has no total phase")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, c := range []struct {
		h    config.Health
		want string
	}{
		{config.Health{}, "set one of url, tcp or dns"},
		{config.Health{URL: "ftp://x/"}, "want http://host/path"},
		{config.Health{URL: "https://u:secret@/x"}, "want http://host/path"},
		{config.Health{URL: "http://x/", Expect: config.HealthExpect{Status: []int{999}}}, "999 is not an HTTP status"},
		{config.Health{URL: "http://x/", Expect: config.HealthExpect{JSON: &config.JSONCheck{Path: "db"}}}, `must start with "$"`},
		{config.Health{URL: "http://x/", Expect: config.HealthExpect{AnyOf: []string{"1.2.3.4"}}}, "any_of is for dns"},
		{config.Health{TCP: "db.example"}, "want host:port"},
		{config.Health{TCP: "db:3306", Expect: config.HealthExpect{BodyContains: "x"}}, "only connects"},
		{config.Health{DNS: "bad name..example"}, "not a domain name"},
		{config.Health{DNS: "market.example", Expect: config.HealthExpect{AnyOf: []string{"new-lb"}}}, `"new-lb" is not an IP address`},
		{config.Health{DNS: "market.example", Expect: config.HealthExpect{Status: []int{200}}}, "only any_of"},
	} {
		_, err := New(c.h, config.Defaults{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, want an error with %q", c.h, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("error shows the URL password: %v", err)
		}
	}
}
