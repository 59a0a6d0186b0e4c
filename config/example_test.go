package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var exampleEnv = map[string]string{
	"DD_API_KEY": "dd-api", "DD_APP_KEY": "dd-app",
	"OLD_DB_DSN": "monitor:pw@tcp(10.0.0.5:3306)/", "NEW_DB_DSN": "monitor:pw@tcp(aurora.example:3306)/",
}

// TestMarketCutover decodes the whole example schema and spot-checks it, positions included.
func TestMarketCutover(t *testing.T) {
	data, err := os.ReadFile("testdata/market-cutover.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(data, "testdata/market-cutover.yaml", envOf(exampleEnv))
	if err != nil {
		t.Fatalf("the example does not parse:\n%v", err)
	}
	dir, _ := filepath.Abs("testdata")
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}
	check("title", c.Title, "Market → cloud cutover")
	check("defaults", c.Defaults, Defaults{Duration(5 * time.Second), Duration(3 * time.Second), Duration(time.Hour)})
	check("datadog", *c.Datadog, Datadog{Site: "datadoghq.com", APIKey: "dd-api", AppKey: "dd-app",
		Interval: Duration(30 * time.Second), Timeout: Duration(10 * time.Second), Window: Duration(2 * time.Hour),
		Events: true, Pos: Pos{Line: 11, Col: 3}})

	check("metrics", len(c.Metrics), 3)
	m := c.Metrics[2]
	check("metrics[2]", []any{m.Name, m.Query, m.Unit, *m.Warn, *m.Crit, m.Below, m.Pos},
		[]any{"checkout errors", "sum:trace.rack.request.errors{service:market,resource_name:checkout}.as_count()",
			"", 5.0, 20.0, false, Pos{Line: 29, Col: 5}})

	old, cloud := c.Databases[0], c.Databases[1]
	check("old-primary", []any{old.Name, old.DSN, old.Expect, old.Interval.D(), old.Heartbeat, old.Pos},
		[]any{"old-primary", "monitor:pw@tcp(10.0.0.5:3306)/", "writable", 5 * time.Second, (*Heartbeat)(nil), Pos{Line: 35, Col: 5}})
	utc := true
	check("cloud-writer heartbeat", *cloud.Heartbeat, Heartbeat{Table: "percona.heartbeat", SourceServerID: 1, UTC: &utc})
	check("cloud-writer", []any{cloud.ReplicaOf, cloud.Lag, cloud.Interval.D(), cloud.Timeout.D(), cloud.Pos},
		[]any{"old-primary", DurationLimits{Duration(5 * time.Second), Duration(30 * time.Second)},
			2 * time.Second, 2 * time.Second, Pos{Line: 38, Col: 5}})
	check("expectations", c.Expectations(), map[string]string{"old-primary": "writable"})

	check("health", len(c.Health), 4)
	h := c.Health[1]
	check("market (new)", []any{h.Name, h.Kind(), h.URL, h.Method, h.ServedByHeader, *h.Expect.JSON, h.Latency.Crit.D(), *h.TLSWarnDays, h.Pos},
		[]any{"market (new)", "health", "https://new.market.example/healthz", "GET", "X-Served-By",
			JSONCheck{Path: "$.db", Equals: "up"}, 2 * time.Second, 14, Pos{Line: 51, Col: 5}})
	check("maintenance page expect", c.Health[2].Expect, HealthExpect{Status: []int{503}, BodyContains: "back soon"})
	dns := c.Health[3]
	check("dns probe", []any{dns.Kind(), dns.DNS, dns.Expect.AnyOf, dns.Pos},
		[]any{"dns", "market.example", []string{"203.0.113.10", "203.0.113.11"}, Pos{Line: 59, Col: 5}})

	check("ssh", *c.SSH, SSH{Listen: "0.0.0.0:2222", HostKey: filepath.Join(dir, "keys/host_ed25519"),
		Operators: []string{filepath.Join(dir, "keys/operators.pub")}, Viewers: []string{filepath.Join(dir, "keys/viewers.pub")},
		MaxSessions: 100, IdleTimeout: Duration(12 * time.Hour), RatePerMinute: 60, Pos: Pos{Line: 64, Col: 3}})

	rs := c.Runsheet
	check("journal", rs.Journal, filepath.Join(dir, "cutover.journal"))
	check("window", rs.Window.D(), 4*time.Hour+30*time.Minute)
	check("checkpoints", len(rs.Checkpoints), 8)
	freeze := rs.Checkpoints[2]
	check("freeze", []any{freeze.ID, freeze.Owner, freeze.Planned.D(), freeze.After, freeze.Expect, freeze.Pos, freeze.GatePos},
		[]any{"freeze", "dba", 5 * time.Minute, []string(nil), map[string]string{"old-primary": "read_only"}, Pos{Line: 84, Col: 7}, Pos{Line: 88, Col: 13}})
	check("freeze gate", freeze.Gate, `db["old-primary"].read_only && !db["old-primary"].stray_writes`)
	check("freeze deps", rs.Deps(2), []string{"maintenance"})
	catchUp, promote, dnsCP := rs.Checkpoints[3], rs.Checkpoints[4], rs.Checkpoints[5]
	check("catch-up hold", catchUp.Hold.D(), 30*time.Second)
	check("promote", []any{promote.PointOfNoReturn, promote.Command, promote.Gate, promote.GatePos},
		[]any{true, "STOP REPLICA; RESET REPLICA ALL; SET GLOBAL read_only = OFF", "", Pos{}})
	check("dns checkpoint", []any{dnsCP.Cutover, dnsCP.Rollback, dnsCP.GatePos},
		[]any{true, "stack_master apply production market-dns-old", Pos{Line: 108, Col: 13}})
	// The gate position points at the gate's first character in the file.
	line := strings.Split(string(data), "\n")[dnsCP.GatePos.Line-1]
	check("text at GatePos", line[dnsCP.GatePos.Col-1:], dnsCP.Gate)
}

// TestMarketCutoverNeedsItsVariables names every variable the example uses when none is set.
func TestMarketCutoverNeedsItsVariables(t *testing.T) {
	data, err := os.ReadFile("testdata/market-cutover.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse(data, "market-cutover.yaml", envOf(nil))
	want := []string{
		"market-cutover.yaml:12:12: environment variable DD_API_KEY is not set",
		"market-cutover.yaml:13:12: environment variable DD_APP_KEY is not set",
		"market-cutover.yaml:36:10: environment variable OLD_DB_DSN is not set",
		"market-cutover.yaml:39:10: environment variable NEW_DB_DSN is not set",
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("errors:\n%v\nwant %d lines", err, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
}

// allKeys lists every yaml key of t and the structs inside it.
func allKeys(t reflect.Type, seen map[reflect.Type]bool) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return nil
	}
	seen[t] = true
	si := infoOf(t)
	keys := append([]string(nil), si.names...)
	for _, k := range si.names {
		keys = append(keys, allKeys(t.Field(si.fields[k]).Type, seen)...)
	}
	return keys
}

// TestStarterShowsEveryKey keeps the starter file a complete, commented example: every key
// of the schema appears in it.
func TestStarterShowsEveryKey(t *testing.T) {
	starter := string(Starter())
	keys := allKeys(reflect.TypeFor[Config](), map[reflect.Type]bool{})
	if len(keys) < 80 {
		t.Fatalf("found only %d keys in the schema: %v", len(keys), keys)
	}
	for _, k := range keys {
		if !strings.Contains(starter, k+":") {
			t.Errorf("the starter does not show %s:", k)
		}
	}
}

// TestReferenceDocumentsEveryKey keeps docs/config.md complete: every key of the schema
// has a row (or a mention) in it.
func TestReferenceDocumentsEveryKey(t *testing.T) {
	doc, err := os.ReadFile("../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range allKeys(reflect.TypeFor[Config](), map[reflect.Type]bool{}) {
		if !strings.Contains(string(doc), "`"+k+"`") {
			t.Errorf("docs/config.md does not document `%s`", k)
		}
	}
}
