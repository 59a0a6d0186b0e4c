package config

import (
	"strings"
	"testing"
)

const statesBase = `datadog: {api_key: a, app_key: b}
metrics:
  - {name: p95, query: q}
health:
  - name: market (old)
    url: http://old.example/
    states:
      maintenance: {status: [503], body_contains: maintenance}
      down: {}
  - {name: db port, tcp: 'db.example:3306', states: {closed: {}}}
runsheet:
  checkpoints:
`

// TestPlannedStatesValid: states on HTTP and TCP probes, and expect: naming a probe's state
// and a metric's quiet, validate; the states decode with their codes and text.
func TestPlannedStatesValid(t *testing.T) {
	src := statesBase + "    - {id: m, title: M, expect: {market (old): maintenance, p95: quiet, db port: closed}}\n" +
		"    - {id: o, title: O, expect: {market (old): normal, p95: normal}}\n"
	c, err := Parse([]byte(src), "w.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	st := c.Health[0].States["maintenance"]
	if len(st.Status) != 1 || st.Status[0] != 503 || st.BodyContains != "maintenance" {
		t.Fatalf("maintenance state %+v", st)
	}
	if got := strings.Join(c.Health[0].StateNames(), ","); got != "down,maintenance" {
		t.Fatalf("state names %q", got)
	}
}

// TestPlannedStatesErrors: an unknown state, an unknown source, a metric expected other than
// quiet and HTTP matching on a TCP probe are errors at their position.
func TestPlannedStatesErrors(t *testing.T) {
	tests := []struct{ name, cp, want string }{
		{"unknown state", "    - {id: m, title: M, expect: {market (old): maintenence}}\n",
			`w.yaml:13:48: runsheet.checkpoints[0].expect.market (old): health probe "market (old)" has no state "maintenence" (its states: down, maintenance; normal ends a planned state)`},
		{"unknown source", "    - {id: m, title: M, expect: {market (odl): maintenance}}\n",
			`w.yaml:13:34: source "market (odl)" is not defined (did you mean "market (old)"?)`},
		{"metric", "    - {id: m, title: M, expect: {p95: silent}}\n",
			`w.yaml:13:39: runsheet.checkpoints[0].expect.p95 must be quiet or normal, not "silent"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseErrors(t, statesBase+tt.cp, nil).Error(); got != tt.want {
				t.Errorf("errors:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
	tcp := "health:\n  - {name: p, tcp: 'a:1', states: {up: {status: [200]}}}\n"
	if got := parseErrors(t, tcp, nil).Error(); !strings.Contains(got, "w.yaml:2:40: health[0].states.up: status and body_contains are for HTTP probes") {
		t.Errorf("tcp state: %s", got)
	}
}
