package web

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
)

// TestHoldingRowTruncates: the web board's runsheet row says what a refused done says,
// "29s of 30s" 29.6 s into a 30 s hold, never a rounded "30s of 30s" while still holding.
func TestHoldingRowTruncates(t *testing.T) {
	c := runsheet.Checkpoint{ID: "catch-up", State: runsheet.Running, Gate: runsheet.Gate{Expr: "x",
		Light: runsheet.Amber, Held: 29600 * time.Millisecond, Hold: 30 * time.Second}}
	if r := checkpointRow(c); r.Gate != "holding 29s of 30s" || r.GateClass != "warn" {
		t.Errorf("row gate %q (%s), want holding 29s of 30s (warn)", r.Gate, r.GateClass)
	}
	c.Gate.Held, c.Gate.Hold = 4*time.Minute+59*time.Second, 5*time.Minute
	if r := checkpointRow(c); r.Gate != "holding 4m of 5m" {
		t.Errorf("row gate %q, want holding 4m of 5m", r.Gate)
	}
}

// TestHeldGateGoesGreenOnTime (in a synctest bubble): a hold completes with time, not with
// board news, so the live page draws the gate green on the first frame after the hold's
// end (frames come every 500 ms), as the TUI does on its next second, not at the next
// five-second clock frame. The gate turns true at 1.2 s with a 32 s hold: green at 33.5 s,
// the frame after 33.2 s (the clock frames alone would make it 36.5 s).
func TestHeldGateGoesGreenOnTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		infos := []board.Info{{Name: "errors", Kind: "datadog", Group: "metric", Interval: time.Minute}}
		b := board.New(infos, board.Options{})
		names := runsheet.NamesFromInfos(infos, nil)
		sheet, err := runsheet.Open(config.Runsheet{Journal: filepath.Join(t.TempDir(), "j"), Checkpoints: []config.Checkpoint{
			{ID: "smoke", Title: "Smoke", Gate: `metric["errors"].value < 5`, Hold: config.Duration(32 * time.Second)},
		}}, runsheet.Options{Board: b, Names: &names})
		if err != nil {
			t.Fatal(err)
		}
		defer sheet.Close()
		srv, err := New(Deps{Board: b, Sheet: sheet.View}, Options{Listen: "127.0.0.1:0"})
		if err != nil {
			t.Fatal(err)
		}
		frames := srv.hub.join()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go srv.hub.run(ctx, srv)

		time.Sleep(1200 * time.Millisecond)
		b.Ingest("errors", sources.Result{Status: sources.OK, Value: val(1)}, time.Now())
		sheet.Evaluate(b.Snapshot())
		var amber, green time.Duration
		for end := time.After(40 * time.Second); green == 0; {
			select {
			case f := <-frames:
				switch {
				case strings.Contains(f, `<span class="g warn">◐ holding `):
					amber = time.Since(start)
				case strings.Contains(f, `<span class="g ok">● holds</span>`):
					green = time.Since(start)
				}
			case <-end:
				t.Fatalf("no green frame in 40 s (last amber at %s)", amber)
			}
		}
		if green != 33500*time.Millisecond {
			t.Errorf("green first drawn at %s, want 33.5s (the hold ends at 33.2 s)", green)
		}
	})
}
