package sources

import (
	"context"
	"testing"
)

// TestQuietJob: a metric expected quiet is ok and planned whatever its thresholds said and
// even with no data; one that is not expected quiet, or whose poll failed, is unchanged.
func TestQuietJob(t *testing.T) {
	exp := NewExpectations(nil)
	job := QuietJob(Job{Name: "datadog", Poll: func(context.Context) []Report {
		return []Report{
			{Source: "p95", Result: Result{Status: Crit, Value: Float(9000), Detail: "9000 ms",
				Series: []SeriesResult{{Status: Crit}}}},
			{Source: "errors", Result: Result{Status: Unknown, Error: "no data in the last 5m"}},
			{Source: "down", Result: Result{Status: Unknown, Failed: true, Error: "rate limited"}},
		}
	}}, exp)
	byName := func() map[string]Result {
		m := map[string]Result{}
		for _, r := range job.Poll(context.Background()) {
			m[r.Source] = r.Result
		}
		return m
	}
	if r := byName()["p95"]; r.Status != Crit || r.Planned != "" {
		t.Fatalf("not expected quiet: %+v", r)
	}
	for _, n := range []string{"p95", "errors", "down"} {
		exp.Set(n, Quiet)
	}
	got := byName()
	if r := got["p95"]; r.Status != OK || r.Planned != Quiet || r.Detail != "planned: quiet ✓ · 9000 ms" || r.Series[0].Status != OK {
		t.Errorf("quiet above crit: %+v", r)
	}
	if r := got["errors"]; r.Status != OK || r.Error != "" || r.Detail != "planned: quiet ✓ · no data in the last 5m" {
		t.Errorf("quiet without data: %+v", r)
	}
	if r := got["down"]; r.Status != Unknown || !r.Failed || r.Planned != "" {
		t.Errorf("a failed poll is not planned: %+v", r)
	}
	exp.Set("p95", "")
	if r := byName()["p95"]; r.Status != Crit {
		t.Errorf("expectation restored: %+v", r)
	}
}
