package app

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/runsheet"
)

// TestCheckSaysAGateIsStillHolding: a gate that is true but not yet for its hold is not
// "holds" (a done would be refused): the table says "holding 29s of 30s" and the JSON
// gives its light and hold besides gate_ok.
func TestCheckSaysAGateIsStillHolding(t *testing.T) {
	view := runsheet.View{Checkpoints: []runsheet.Checkpoint{
		{ID: "catch-up", State: runsheet.Pending, Gate: runsheet.Gate{Expr: `db["new"].lag_s < 1`,
			Light: runsheet.Amber, Held: 29600 * time.Millisecond, Hold: 30 * time.Second}},
		{ID: "promote", State: runsheet.Pending, Gate: runsheet.Gate{Expr: `db["new"].lag_s < 1`,
			Light: runsheet.Green, Held: 31 * time.Second, Hold: 30 * time.Second}},
		{ID: "open", State: runsheet.Pending},
	}}
	r := CheckReport{Checkpoints: Checkpoints(view)}
	var tab bytes.Buffer
	if err := r.WriteTable(&tab); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(tab.String(), "\n")
	find := func(id string) string {
		for _, l := range lines {
			if strings.HasPrefix(l, id+" ") {
				return l
			}
		}
		t.Fatalf("no row for %s in\n%s", id, tab.String())
		return ""
	}
	if l := find("catch-up"); !strings.Contains(l, "holding 29s of 30s") {
		t.Errorf("holding gate's row: %q", l)
	}
	if l := find("promote"); !strings.Contains(l, "holds") || strings.Contains(l, "holding") {
		t.Errorf("held gate's row: %q", l)
	}
	b, err := json.Marshal(r.Checkpoints)
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got[0]["gate_ok"] != true || got[0]["gate_light"] != "amber" || got[0]["gate_hold"] != "29s of 30s" {
		t.Errorf("holding gate in JSON: %v", got[0])
	}
	if got[1]["gate_light"] != "green" || got[1]["gate_hold"] != nil {
		t.Errorf("held gate in JSON: %v", got[1])
	}
	if _, ok := got[2]["gate_light"]; ok {
		t.Errorf("no gate, but gate_light in JSON: %v", got[2])
	}
}
