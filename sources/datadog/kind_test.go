package datadog

import (
	"testing"

	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/datadog/ddtest"
)

// TestFactsDeclared: a batch against the Datadog test server — a metric with data, one with
// no data and one Datadog rejects — reports exactly the facts Kind declares for each.
func TestFactsDeclared(t *testing.T) {
	srv := ddtest.NewServer(t)
	srv.SetSeries("avg:p95{*}", ddtest.Series{Unit: "ms", Values: ddtest.Vals(120, 140)})
	srv.Reject("avg:bad{*}", "unknown metric")
	c := newClient(t, srv.Datadog(), metric("p95", "avg:p95{*}"), metric("empty", "avg:none{*}"), metric("bad", "avg:bad{*}"))
	reports := poll(t, c)
	if len(reports) != 3 {
		t.Fatalf("%d reports, want 3", len(reports))
	}
	for _, r := range reports {
		if err := sources.CheckFacts(Kind, r.Result.Facts); err != nil {
			t.Errorf("%s: %v (facts %v)", r.Source, err, r.Result.Facts)
		}
	}
}
