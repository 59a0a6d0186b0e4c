package runsheet

import (
	"fmt"
	"strings"
	"testing"
)

// TestTypedGateErrors: the gates of issue 12 that used to pass validation and stay grey or
// red all night are errors at their line and column, naming the allowed values or the type.
func TestTypedGateErrors(t *testing.T) {
	tests := []struct {
		gate string
		at   string // the text the error points at
		want string
	}{
		{`health["market (new)"].status == "OK"`, `"OK"`,
			`health["market (new)"].status is never "OK"; it is one of "ok", "warn", "crit", "unknown"`},
		{`health["market (new)"].status_code == "404"`, `"404"`,
			`health["market (new)"].status_code is a number, "404" is a string`},
		{`health["market (new)"].latency_ms + 1`, `health`,
			`expected true or false, but the gate is a number`},
		{`"master" == db["old-primary"].role`, `"master"`,
			`db["old-primary"].role is never "master"; it is one of "primary", "replica"`},
		{`db["cloud-writer"].lag_s < "1"`, `"1"`, `db["cloud-writer"].lag_s is a number, "1" is a string`},
		{`db["old-primary"].read_only == "true"`, `"true"`, `db["old-primary"].read_only is a bool, "true" is a string`},
		{`checkpoint["freeze"].state == "finished"`, `"finished"`, `checkpoint["freeze"].state is never "finished"; it is one of "pending"`},
		{`db["cloud-writer"].lag_s < 1 &&` + "\n  " + `health["market.example A"].answers - 1 > 0`, `- 1`, `invalid operation: - (mismatched types list and number)`},
		{`db["cloud-writer"].lag_source == "heartbeat" && db["cloud-writer"].version`, `&& db`,
			`invalid operation: && (mismatched types bool and string)`},
	}
	for _, tc := range tests {
		errs := CompileGates(gateAt(tc.gate), gateNames)
		if len(errs) != 1 {
			t.Errorf("%s: %d errors, want 1: %v", tc.gate, len(errs), errs)
			continue
		}
		line, col := 10, 13
		before, _, _ := strings.Cut(tc.gate, tc.at)
		if i := strings.LastIndex(before, "\n"); i >= 0 {
			line, col, before = line+strings.Count(before, "\n"), 13, before[i+1:]
		}
		col += len([]rune(before))
		want := fmt.Sprintf(`%d:%d: checkpoint "x": gate: %s`, line, col, tc.want)
		if got := errs[0].Pos.String() + ": " + errs[0].Msg; !strings.HasPrefix(got, want) {
			t.Errorf("%s:\n got %s\nwant %s…", tc.gate, got, want)
		}
	}
}

// TestTypedGatesValid: gates that compare like with like, test for null, index lists and
// maps, or read a source of a kind the registry does not know, still compile.
func TestTypedGatesValid(t *testing.T) {
	for _, g := range []string{
		`db["cloud-writer"].lag_s != nil && db["cloud-writer"].lag_s < 1.5`,
		`"ok" == db["old-primary"].status && db["old-primary"].expect in ["read_only", ""]`,
		`len(health["market.example A"].answers) > 0 && health["market.example A"].answers[0] == "203.0.113.10"`,
		`health["market (new)"].phases_ms["tls"] < 100 && health["market (new)"].status_code == 200`,
		`health["aurora tcp"].latency_ms < 10 && !health["market.example A"].stale`,
		`metric["checkout errors"].value < 5 && metric["checkout errors"].rate_limit_remaining > 10`,
		`checkpoint["freeze"].state == "done" || checkpoint["freeze"].state != "skipped"`,
		`(db["cloud-writer"]?.lag_s ?? 99) < 1`,
		`all(health["market.example A"].answers, {# in ["203.0.113.10", "203.0.113.11"]})`,
		`health["market (new)"].tls_days_left != nil && health["market (new)"].tls_days_left > 30`,
		`health["market (new)"].served_by == "aws-1" && health["aurora tcp"].error == ""`,
		`checkpoint["freeze"].state in ["done", "skipped"] and db["cloud-writer"].io_running`,
	} {
		names := gateNames
		names.States = map[string][]string{"market (new)": {"maintenance", "down"}}
		if errs := CompileGates(gateAt(g), names); len(errs) > 0 {
			t.Errorf("%s: %v", g, errs)
		}
	}
	names := gateNames
	names.States = map[string][]string{"market (new)": {"down", "maintenance"}}
	for g, want := range map[string]string{
		`health["market (new)"].state == "maintenance"`: "",
		`health["market (new)"].state != ""`:            "",
		`health["market (new)"].state == "maintenence"`: `10:45: checkpoint "x": gate: health["market (new)"].state is never "maintenence"; it is one of "", "down", "maintenance"`,
	} {
		errs := CompileGates(gateAt(g), names)
		if got := errs.Error(); want == "" && len(errs) > 0 || want != "" && (len(errs) != 1 || errs[0].Pos.String()+": "+errs[0].Msg != want) {
			t.Errorf("%s: %s, want %q", g, got, want)
		}
	}
	unknown := Names{DB: map[string]string{"old-primary": "demo"}, Kinds: testKinds}
	if errs := CompileGates(gateAt(`db["old-primary"].read_only && db["old-primary"].lag_s < 1`), unknown); len(errs) > 0 {
		t.Errorf("a source of an unknown kind: %v", errs)
	}
}
