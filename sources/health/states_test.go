package health

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

func plannedProbe(t *testing.T, h config.Health, exp *sources.Expectations) sources.Source {
	t.Helper()
	p, err := NewPlanned(h, config.Defaults{Timeout: config.Duration(2 * time.Second)}, exp)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.(io.Closer).Close() })
	return p
}

// TestPlannedStates: against a real loopback server, the state fact names the declared state
// an answer matches; only the planned state mutes the result, and only for answers in it;
// an empty state planned matches a dead server too, which is then not a failed poll.
func TestPlannedStates(t *testing.T) {
	var code atomic.Int64
	code.Store(503)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(code.Load()))
		_, _ = io.WriteString(w, "<h1>Down for maintenance</h1>")
	}))
	exp := sources.NewExpectations(nil)
	h := config.Health{Name: "old", URL: srv.URL, States: map[string]config.HealthState{
		"maintenance": {Status: []int{503}, BodyContains: "maintenance"}, "down": {}, "teapot": {Status: []int{418}}}}
	p := plannedProbe(t, h, exp)
	poll := func() sources.Result { return p.Poll(context.Background()) }

	r := poll()
	expectStatus(t, r, sources.Crit)
	if r.Facts["state"] != "maintenance" || r.Planned != "" {
		t.Fatalf("unplanned 503: state %v planned %q", r.Facts["state"], r.Planned)
	}
	exp.Set("old", "maintenance")
	r = poll()
	expectStatus(t, r, sources.OK)
	if r.Planned != "maintenance" || r.Error != "" || r.Facts["error"] != "" || r.Detail != "planned: maintenance ✓ · 503 Down for maintenance" {
		t.Fatalf("planned 503: %+v", r)
	}
	code.Store(500)
	r = poll()
	expectStatus(t, r, sources.Crit)
	if r.Planned != "" || r.Facts["state"] != "" {
		t.Fatalf("500 while maintenance is planned: %+v", r)
	}
	code.Store(418)
	if r = poll(); r.Facts["state"] != "teapot" || r.Status != sources.Crit {
		t.Fatalf("another declared state, not planned: %+v", r)
	}
	exp.Set("old", "down")
	srv.Close()
	r = poll()
	expectStatus(t, r, sources.OK)
	if r.Planned != "down" || r.Failed || r.Facts["state"] != "down" {
		t.Fatalf("planned down, server gone: %+v", r)
	}
	if err := sources.CheckFacts(KindHTTP, r.Facts); err != nil {
		t.Fatal(err)
	}
}

// TestPlannedTCPDown: a TCP probe with down: {} planned is ok on a refused port, crit
// without the plan.
func TestPlannedTCPDown(t *testing.T) {
	exp := sources.NewExpectations(nil)
	p := plannedProbe(t, config.Health{Name: "port", TCP: freePort(t), States: map[string]config.HealthState{"down": {}}}, exp)
	if r := p.Poll(context.Background()); r.Status != sources.Crit || !r.Failed {
		t.Fatalf("refused, unplanned: %+v", r)
	}
	exp.Set("port", "down")
	if r := p.Poll(context.Background()); r.Status != sources.OK || r.Planned != "down" || r.Failed {
		t.Fatalf("refused, planned down: %+v", r)
	}
}
