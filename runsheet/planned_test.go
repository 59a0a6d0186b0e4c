package runsheet

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/health"
)

// TestPlannedMaintenanceWithRealProbe: a real probe of a loopback server that answers the
// maintenance page. Before the step is done the 503 is crit; once it is done (expect:
// {market (old): maintenance}) it is ok and planned, and a gate reads the state; a 500
// instead of the 503 is crit even then; reopening the step makes the 503 crit again.
func TestPlannedMaintenanceWithRealProbe(t *testing.T) {
	var code atomic.Int64
	code.Store(503)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(int(code.Load()))
		_, _ = io.WriteString(w, "down for maintenance")
	}))
	defer srv.Close()
	hc := config.Health{Name: "market (old)", URL: srv.URL, States: map[string]config.HealthState{
		"maintenance": {Status: []int{503}, BodyContains: "maintenance"}, "down": {}}}
	exp := sources.NewExpectations(nil)
	probe, err := health.NewPlanned(hc, config.Defaults{Timeout: config.Duration(2 * time.Second)}, exp)
	if err != nil {
		t.Fatal(err)
	}
	defer probe.(io.Closer).Close()
	infos := []board.Info{{Name: hc.Name, Kind: hc.Kind(), Group: sources.GroupHealth, Interval: time.Second}}
	b := board.New(infos, board.Options{})
	names := NamesFromInfos(infos, testKinds)
	names.States = map[string][]string{hc.Name: hc.StateNames()}
	rs := config.Runsheet{Journal: journalPath(t), Checkpoints: []config.Checkpoint{
		{ID: "maintenance", Title: "Maintenance page up", Expect: map[string]string{hc.Name: "maintenance"},
			Gate: `health["market (old)"].state == "maintenance"`},
		{ID: "after", Title: "After", Gate: `health["market (old)"].status == "ok"`},
		{ID: "open", Title: "Site open", After: []string{"maintenance"}, Expect: map[string]string{hc.Name: "normal"}},
	}}
	s := open(t, rs, Options{Board: b, Names: &names, Expect: exp})
	poll := func() board.SourceState {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		b.Ingest(hc.Name, probe.Poll(ctx), time.Now())
		snap := b.Snapshot()
		s.Evaluate(snap)
		return snap.Sources[0]
	}
	if st := poll(); st.Status != sources.Crit || st.Planned != "" || st.Facts["state"] != "maintenance" {
		t.Fatalf("503 before the step is done: %s planned %q state %v", st.Status, st.Planned, st.Facts["state"])
	}
	do(t, s, "maintenance", Start)
	if g := cp(s.View(), "maintenance").Gate; g.Light != Green {
		t.Fatalf("the gate reads the state: %+v", g)
	}
	do(t, s, "maintenance", Finish)
	st := poll()
	if st.Status != sources.OK || st.Planned != "maintenance" || st.Error != "" || !strings.HasPrefix(st.Detail, "planned: maintenance ✓") {
		t.Fatalf("503 once planned: %s planned %q error %q detail %q", st.Status, st.Planned, st.Error, st.Detail)
	}
	if g := cp(s.View(), "after").Gate; g.Light != Green {
		t.Fatalf("a planned maintenance is ok for gates: %+v", g)
	}
	code.Store(500)
	if st := poll(); st.Status != sources.Crit || st.Planned != "" || st.Facts["state"] != "" {
		t.Fatalf("500 where a 503 was planned: %s planned %q state %v", st.Status, st.Planned, st.Facts["state"])
	}
	code.Store(503)
	if st := poll(); st.Status != sources.OK {
		t.Fatalf("503 again: %s", st.Status)
	}
	do(t, s, "open", Start)
	do(t, s, "open", Finish)
	if st := poll(); st.Status != sources.Crit || st.Planned != "" {
		t.Fatalf("503 once a later step ends the plan (normal): %s planned %q", st.Status, st.Planned)
	}
	do(t, s, "open", Reopen)
	if st := poll(); st.Status != sources.OK || st.Planned != "maintenance" {
		t.Fatalf("503 once the open step is reopened: %s planned %q", st.Status, st.Planned)
	}
	do(t, s, "maintenance", Reopen)
	if st := poll(); st.Status != sources.Crit || st.Planned != "" {
		t.Fatalf("503 after reopening: %s planned %q", st.Status, st.Planned)
	}
}

// TestExpectNamesProbesAndMetrics: expect: may name a probe's declared state and a metric's
// quiet; an unknown state or source is refused by Open at the checkpoint.
func TestExpectNamesProbesAndMetrics(t *testing.T) {
	names := Names{Health: map[string]string{"old": "health"}, Metric: map[string]string{"p95": "datadog"},
		DB: map[string]string{"db": "mysql"}, States: map[string][]string{"old": {"down", "maintenance"}}, Kinds: testKinds}
	rs := config.Runsheet{Journal: journalPath(t), Checkpoints: []config.Checkpoint{
		{ID: "m", Title: "M", Expect: map[string]string{"old": "maintenance", "p95": "quiet", "db": "read_only"}}}}
	open(t, rs, Options{Names: &names})
	for _, bad := range []map[string]string{{"old": "maintenence"}, {"p95": "loud"}, {"nope": "quiet"}} {
		rs := config.Runsheet{Journal: journalPath(t), Checkpoints: []config.Checkpoint{{ID: "m", Title: "M", Expect: bad}}}
		if _, err := Open(rs, Options{Names: &names}); err == nil {
			t.Errorf("expect %v: accepted", bad)
		}
	}
}
