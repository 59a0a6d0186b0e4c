package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/warroom-dev/warroom/sources/datadog/ddtest"
)

// TestCheckMultiSeriesHeadlineAndWhy: a metric grouped by host, hosts at 1, 3 and 2 with warn
// at 2: the headline is host b's 3 and names it, check --json lists each host once (no entry
// named after the metric), and check's table says why the source is warn.
func TestCheckMultiSeriesHeadlineAndWhy(t *testing.T) {
	dd := ddtest.NewServer(t)
	q := "avg:system.load.1{env:prod} by {host}"
	dd.SetSeries(q,
		ddtest.Series{GroupTags: []string{"host:a"}, Values: ddtest.Vals(1)},
		ddtest.Series{GroupTags: []string{"host:b"}, Values: ddtest.Vals(3)},
		ddtest.Series{GroupTags: []string{"host:c"}, Values: ddtest.Vals(2.5)})
	path := writeConfig(t, fmt.Sprintf(`title: DD
datadog:
  url: %s
  api_key: ${TEST_DD_API}
  app_key: ${TEST_DD_APP}
metrics:
  - name: load by host
    query: %q
    warn: 2.8
`, dd.URL, q))
	t.Setenv("TEST_DD_API", ddtest.APIKey)
	t.Setenv("TEST_DD_APP", ddtest.AppKey)
	out, stderr, code := run(t, "check", "--json", "-c", path)
	if code != 1 {
		t.Fatalf("host b at 3 over a warn of 2.8 exited %d, want 1: %s", code, stderr)
	}
	var rep struct {
		Sources []struct {
			Value  float64
			Status string
			Series []struct{ Name string }
			Facts  map[string]any
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	s := rep.Sources[0]
	var names []string
	for _, se := range s.Series {
		names = append(names, se.Name)
	}
	if s.Value != 3 || s.Status != "warn" {
		t.Errorf("headline %v %s, want host b's 3, warn", s.Value, s.Status)
	}
	if strings.Join(names, ",") != "host:a,host:b,host:c" || s.Facts["series_count"] != float64(3) {
		t.Errorf("series %q for series_count %v; want each host once", names, s.Facts["series_count"])
	}

	out, _, _ = run(t, "check", "-c", path)
	if !strings.Contains(out, "3 ≥ warn 2.8 · host:b (worst of 3)") {
		t.Errorf("check's table does not say why the source is warn:\n%s", out)
	}
}
