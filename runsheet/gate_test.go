package runsheet

import (
	"strings"
	"testing"

	"github.com/warroom-dev/warroom/config"
)

// gateNames are the sources the gate tests may name.
var gateNames = Names{
	DB:     map[string]string{"old-primary": "mysql", "cloud-writer": "mysql"},
	Health: map[string]string{"market (new)": "health", "market.example A": "dns", "aurora tcp": "tcp"},
	Metric: map[string]string{"checkout errors": "datadog"},
	Kinds:  testKinds,
}

// gateAt is a one-gate runsheet whose gate text starts at line 10, column 13.
func gateAt(gate string) config.Runsheet {
	return config.Runsheet{Checkpoints: []config.Checkpoint{
		{ID: "freeze", Title: "Freeze", Pos: config.Pos{Line: 8, Col: 5}},
		{ID: "x", Title: "X", Gate: gate, Pos: config.Pos{Line: 9, Col: 5}, GatePos: config.Pos{Line: 10, Col: 13}},
	}}
}

// TestCompileGateErrors: every problem is reported at its line:col in the file, in words
// that say what to write instead.
func TestCompileGateErrors(t *testing.T) {
	tests := []struct {
		gate string
		want []string // "LINE:COL: message part"
	}{
		{`db["old-primary"].read_only && !db["old-primray"].stray_writes`,
			[]string{`10:48: checkpoint "x": gate: no database named "old-primray" (known: "cloud-writer", "old-primary")`}},
		{`db["cloud-writer"].lag < 1`,
			[]string{`10:32: checkpoint "x": gate: db["cloud-writer"] has no field "lag"; a mysql source has: status, value, error, stale, role,`}},
		{`health["market (new)"].matched`,
			[]string{`10:36: checkpoint "x": gate: health["market (new)"] has no field "matched"; a health source has:`}},
		{`db["cloud-writer"].lag_s <`, []string{`10:38: checkpoint "x": gate: unexpected token EOF`}},
		{`db["cloud-writer"].lag_s < 1 && ready`, []string{`10:45: checkpoint "x": gate: unknown name ready`}},
		{`1 + 2`, []string{`10:13: checkpoint "x": gate: expected true or false, but the gate is a number`}},
		{`len(db) > 0`, []string{`10:17: checkpoint "x": gate: db needs a source name and a field, like db["name"].status`}},
		{`db["old-primary"] != nil`, []string{`10:16: checkpoint "x": gate: db["old-primary"] needs a field, like db["old-primary"].status`}},
		{`checkpoint["frieze"].state == "done"`, []string{`10:24: checkpoint "x": gate: no checkpoint "frieze" in the runsheet`}},
		{`checkpoint["freeze"].status == "done"`, []string{`10:34: checkpoint "x": gate: checkpoint["freeze"] has no field "status"; a checkpoint has: state`}},
		{`metric["checkout errors"].points > 0 &&` + "\n" + `  metric["nope"].value < 5`,
			[]string{`11:22: checkpoint "x": gate: no metric named "nope" (known: "checkout errors")`}},
		{`health["aurora tcp"].latency_ms < 10 && health["market.example A"].ttl_s > 0 && health["nope"].status == "ok" && db["x"].value < 1`,
			[]string{`10:100: checkpoint "x": gate: no health probe named "nope"`, `10:129: checkpoint "x": gate: no database named "x"`}},
	}
	for _, tc := range tests {
		errs := CompileGates(gateAt(tc.gate), gateNames)
		if len(errs) != len(tc.want) {
			t.Errorf("%s: got %d errors, want %d: %v", tc.gate, len(errs), len(tc.want), errs)
			continue
		}
		for i, e := range errs {
			got := e.Pos.String() + ": " + e.Msg
			if !strings.HasPrefix(got, tc.want[i]) {
				t.Errorf("%s:\n got %s\nwant %s…", tc.gate, got, tc.want[i])
			}
		}
	}
}

// TestCompileGatesValid: the example config's gates compile, and a gate names its sources.
func TestCompileGatesValid(t *testing.T) {
	for _, g := range []string{
		`db["old-primary"].read_only && !db["old-primary"].stray_writes`,
		`db["cloud-writer"].lag_s != nil && db["cloud-writer"].lag_s < 1`,
		`health["market.example A"].matched`,
		`health["market (new)"].status == "ok" && metric["checkout errors"].status != "crit"`,
		`checkpoint["freeze"].state in ["done", "skipped"] and db["cloud-writer"].io_running`,
		`(db["cloud-writer"]?.lag_s ?? 99) < 1`,
		`health["market (new)"].status_code == 200 && health["market (new)"].latency_ms < 500`,
	} {
		if errs := CompileGates(gateAt(g), gateNames); len(errs) > 0 {
			t.Errorf("%s: %v", g, errs)
		}
	}
	rs := gateAt(`health["market (new)"].status == "ok" && db["old-primary"].read_only && db["old-primary"].value < 1`)
	rs.Journal = journalPath(t)
	s := open(t, rs, Options{Names: &gateNames})
	if got := strings.Join(s.GateSources("x"), ","); got != "market (new),old-primary" {
		t.Fatalf("GateSources: %q", got)
	}
	if s.GateSources("freeze") != nil || s.GateSources("nope") != nil {
		t.Fatal("GateSources of a checkpoint without a gate")
	}
}

// TestOpenChecksGateNames: with Options.Names, Open refuses a gate naming an unknown source;
// without, it checks the syntax only.
func TestOpenChecksGateNames(t *testing.T) {
	rs := gateAt(`db["nope"].read_only`)
	rs.Journal = journalPath(t)
	if _, err := Open(rs, Options{Names: &gateNames}); err == nil || !strings.Contains(err.Error(), `no database named "nope"`) {
		t.Fatalf("Open with names: %v", err)
	}
	open(t, rs, Options{})
	rs.Checkpoints[1].Gate = `db["nope"].read_only &&`
	if _, err := Open(rs, Options{}); err == nil || !strings.Contains(err.Error(), "unexpected token EOF") {
		t.Fatalf("Open with a syntax error: %v", err)
	}
}

// TestValidateConfig: the file name is filled in.
func TestValidateConfig(t *testing.T) {
	cfg := &config.Config{File: "/etc/warroom.yaml", Runsheet: gateAt(`db["old-primary"].read_only`)}
	cfg.Databases = []config.Database{{Name: "old-primary"}}
	names := Names{DB: map[string]string{"old-primary": "mysql"}, Kinds: testKinds}
	if errs := ValidateConfig(cfg, names); len(errs) != 0 {
		t.Fatalf("valid config: %v", errs)
	}
	cfg.Runsheet.Checkpoints[1].Gate = `db["old-primary"].lag_z`
	errs := ValidateConfig(cfg, names)
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), `/etc/warroom.yaml:10:31: checkpoint "x": gate: db["old-primary"] has no field "lag_z"`) {
		t.Fatalf("errors: %v", errs)
	}
}
