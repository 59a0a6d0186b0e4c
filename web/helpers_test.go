package web

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// rig is a board, a runsheet and a web server on a loopback port.
type rig struct {
	b     *board.Board
	sheet *runsheet.Sheet
	srv   *Server
	base  string // http://127.0.0.1:PORT
}

func val(v float64) *float64 { return &v }

// newRig serves a small cutover: two metrics, a database, a gated checkpoint. It is shut
// down when the test ends.
func newRig(t *testing.T, opt Options) *rig {
	t.Helper()
	warn, crit := 800.0, 1500.0
	b := board.New([]board.Info{
		{Name: "app p95", Kind: "datadog", Group: "metric", Unit: "ms", Interval: time.Second,
			Threshold: sources.Threshold{Warn: &warn, Crit: &crit}},
		{Name: "checkout <errors>", Kind: "datadog", Group: "metric", Interval: time.Second},
		{Name: "cloud-writer", Kind: "mysql", Group: "db", Unit: "s", Interval: time.Second},
	}, board.Options{})
	now := time.Now()
	for i := range 60 {
		at := now.Add(time.Duration(i-60) * time.Second)
		b.Ingest("app p95", sources.Result{Status: sources.OK, Value: val(400 + float64(i%7)*10)}, at)
		b.Ingest("checkout <errors>", sources.Result{Status: sources.OK, Value: val(float64(i % 3))}, at)
		b.Ingest("cloud-writer", sources.Result{Status: sources.OK, Value: val(0.4), Detail: "0.4 s lag"}, at)
	}
	sheet, err := runsheet.Open(config.Runsheet{Journal: filepath.Join(t.TempDir(), "j"), Window: config.Duration(time.Hour),
		Checkpoints: []config.Checkpoint{
			{ID: "freeze", Title: "Old primary read-only", Owner: "dba", Planned: config.Duration(5 * time.Minute)},
			{ID: "dns", Title: "DNS switched", Owner: "infra", Planned: config.Duration(10 * time.Minute), Cutover: true},
		}}, runsheet.Options{Board: b})
	if err != nil {
		t.Fatal(err)
	}
	if err := sheet.Apply(context.Background(), runsheet.Transition{Checkpoint: "freeze", Action: runsheet.Start, By: "dana"}); err != nil {
		t.Fatal(err)
	}
	if opt.Listen == "" {
		opt.Listen = "127.0.0.1:0"
	}
	srv, err := New(Deps{Board: b, Sheet: sheet.View, Title: "Market <cutover>", Window: 5 * time.Minute,
		Status: func(snap *board.Snapshot, v runsheet.View, at time.Time) any {
			return map[string]any{"version": 1, "sources": len(snap.Sources), "checkpoints": len(v.Checkpoints)}
		}}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		sheet.Close()
		http.DefaultClient.CloseIdleConnections()
	})
	return &rig{b: b, sheet: sheet, srv: srv, base: "http://" + srv.Addr()}
}

// goCrit makes cloud-writer crit.
func (r *rig) goCrit() {
	r.b.Ingest("cloud-writer", sources.Result{Status: sources.Crit, Value: val(42), Error: "SQL thread stopped"}, time.Now())
}
