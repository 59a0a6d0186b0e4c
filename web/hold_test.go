package web

import (
	"testing"
	"time"

	"github.com/warroom-dev/warroom/runsheet"
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
