package datadog

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/datadog/ddtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newClient is a client for srv's config as changed by edit, closed when the test ends.
func newClient(t *testing.T, dd config.Datadog, metrics ...config.Metric) *Client {
	t.Helper()
	c, err := New(dd, metrics)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func poll(t *testing.T, c *Client) []sources.Report {
	t.Helper()
	job := c.Job()
	ctx, cancel := context.WithTimeout(context.Background(), job.Timeout)
	defer cancel()
	reports := job.Poll(ctx)
	assertNoKeys(t, fmt.Sprintf("%#v", reports))
	return reports
}

// assertNoKeys fails when any key the tests use appears in s.
func assertNoKeys(t *testing.T, s string) {
	t.Helper()
	for _, k := range []string{ddtest.APIKey, ddtest.AppKey, wrongAPIKey, wrongAppKey} {
		if strings.Contains(s, k) {
			t.Fatalf("a key leaked into output: %q", s)
		}
	}
}

const (
	wrongAPIKey = "wrong-api-key-77f1d2c3b4a5968778"
	wrongAppKey = "wrong-app-key-0a1b2c3d4e5f60718293a4b5"
)

func metric(name, query string) config.Metric { return config.Metric{Name: name, Query: query} }

func byName(reports []sources.Report) map[string]sources.Result {
	m := map[string]sources.Result{}
	for _, r := range reports {
		m[r.Source] = r.Result
	}
	return m
}

func TestMetricsAreBatchedIntoOneRequest(t *testing.T) {
	srv := ddtest.NewServer(t)
	var ms []config.Metric
	for i := range 5 {
		q := fmt.Sprintf("avg:m%d{service:market}", i)
		srv.SetSeries(q, ddtest.Series{Values: ddtest.Vals(float64(i), float64(10+i))})
		ms = append(ms, metric(fmt.Sprintf("metric %d", i), q))
	}
	c := newClient(t, srv.Datadog(), ms...)
	reports := poll(t, c)

	reqs := srv.TimeseriesRequests()
	if len(reqs) != 1 {
		t.Fatalf("5 metrics made %d requests, want 1", len(reqs))
	}
	if got := len(reqs[0].Queries); got != 5 {
		t.Fatalf("the request has %d queries, want 5", got)
	}
	for k, q := range reqs[0].Queries {
		if q.DataSource != "metrics" || q.Query != ms[k].Query || reqs[0].Formulas[k] != q.Name {
			t.Errorf("query %d = %+v, formula %q", k, q, reqs[0].Formulas[k])
		}
	}
	if w := time.Duration(reqs[0].To-reqs[0].From) * time.Millisecond; w != time.Hour {
		t.Errorf("window asked = %s, want the default 1h", w)
	}
	if reqs[0].Header.Get("DD-API-KEY") != ddtest.APIKey || reqs[0].Header.Get("DD-APPLICATION-KEY") != ddtest.AppKey {
		t.Error("the keys were not sent in the DD-API-KEY and DD-APPLICATION-KEY headers")
	}
	if len(reports) != 5 {
		t.Fatalf("%d reports, want one per metric", len(reports))
	}
	for i, r := range reports {
		if r.Source != ms[i].Name {
			t.Errorf("report %d is for %q, want %q", i, r.Source, ms[i].Name)
		}
		if r.Result.Value == nil || *r.Result.Value != float64(10+i) || r.Result.Error != "" {
			t.Errorf("%s: value %v error %q, want %d", r.Source, r.Result.Value, r.Result.Error, 10+i)
		}
	}
	// A second poll is a second request, not one per metric.
	poll(t, c)
	if n := len(srv.TimeseriesRequests()); n != 2 {
		t.Fatalf("two polls made %d requests, want 2", n)
	}
}

func TestManyMetricsAreSplitAtTheQueryLimit(t *testing.T) {
	srv := ddtest.NewServer(t)
	var ms []config.Metric
	for i := range MaxQueriesPerRequest + 3 {
		q := fmt.Sprintf("avg:m%d{*}", i)
		srv.SetSeries(q, ddtest.Series{Values: ddtest.Vals(i)})
		ms = append(ms, metric(fmt.Sprintf("m%d", i), q))
	}
	c := newClient(t, srv.Datadog(), ms...)
	reports := poll(t, c)
	reqs := srv.TimeseriesRequests()
	if len(reqs) != 2 || len(reqs[0].Queries) != MaxQueriesPerRequest || len(reqs[1].Queries) != 3 {
		t.Fatalf("%d metrics made requests of %v queries, want [%d 3]", len(ms), queryCounts(reqs), MaxQueriesPerRequest)
	}
	for i, r := range reports {
		if r.Result.Value == nil || *r.Result.Value != float64(i) {
			t.Errorf("%s = %v, want %d", r.Source, r.Result.Value, i)
		}
	}
}

func queryCounts(reqs []ddtest.TimeseriesRequest) []int {
	var n []int
	for _, r := range reqs {
		n = append(n, len(r.Queries))
	}
	return n
}

func TestNullPointsAreGapsAndFacts(t *testing.T) {
	srv := ddtest.NewServer(t)
	q := "p95:trace.rack.request{service:market}"
	srv.SetSeries(q, ddtest.Series{Values: ddtest.Vals(120, nil, 340.5, nil)})
	warn, crit := 300.0, 1000.0
	c := newClient(t, srv.Datadog(), config.Metric{Name: "app p95", Query: q, Unit: "ms", Warn: &warn, Crit: &crit})
	r := poll(t, c)[0].Result

	if r.Value == nil || *r.Value != 340.5 {
		t.Fatalf("value = %v, want the newest non-null point 340.5", r.Value)
	}
	if r.Status != sources.Warn || r.Unit != "ms" {
		t.Errorf("status %s unit %q, want warn (340.5 ≥ 300) in ms", r.Status, r.Unit)
	}
	if len(r.Series) != 1 || r.Series[0].Name != "" {
		t.Fatalf("series = %+v, want one unnamed series", r.Series)
	}
	ps := r.Series[0].Points
	if len(ps) < 4 {
		t.Fatalf("%d points, want the whole window", len(ps))
	}
	tail := ps[len(ps)-4:]
	if tail[0].Null || tail[0].Value != 120 || !tail[1].Null || tail[2].Value != 340.5 || !tail[3].Null {
		t.Errorf("last points = %+v, want 120, gap, 340.5, gap", tail)
	}
	if !ps[0].Null {
		t.Errorf("the oldest bucket had no value but is not a gap: %+v", ps[0])
	}
	for i := 1; i < len(ps); i++ {
		if !ps[i].Time.After(ps[i-1].Time) {
			t.Fatalf("points are not oldest first at %d", i)
		}
	}
	req := srv.TimeseriesRequests()[0]
	if want := time.UnixMilli(req.To).Add(-time.Duration(req.Interval) * time.Millisecond); ps[len(ps)-1].Time.Before(want) {
		t.Errorf("newest point at %s, want Datadog's bucket time near %s", ps[len(ps)-1].Time, want)
	}
	f := r.Facts
	if f["points"] != 2 || f["series_count"] != 1 || f["query"] != q || f["error"] != "" {
		t.Errorf("facts = %v", f)
	}
	if f["last_point_at"] != tail[2].Time.UTC().Format(time.RFC3339) {
		t.Errorf("last_point_at = %v, want %s", f["last_point_at"], tail[2].Time.UTC().Format(time.RFC3339))
	}
	if f["rate_limit_remaining"] != 999 {
		t.Errorf("rate_limit_remaining = %v (%T), want 999", f["rate_limit_remaining"], f["rate_limit_remaining"])
	}
}

func TestMultiSeriesAreNamedAndLimited(t *testing.T) {
	srv := ddtest.NewServer(t)
	q := "avg:trace.rack.request.duration{*} by {host}"
	var series []ddtest.Series
	for i := range MaxSeries + 3 {
		v := float64(100 + i)
		if i == 9 {
			v = 2000 // beyond the shown series, but crit
		}
		series = append(series, ddtest.Series{GroupTags: []string{fmt.Sprintf("host:web-%02d", i)}, Values: ddtest.Vals(v)})
	}
	srv.SetSeries(q, series...)
	crit := 1500.0
	c := newClient(t, srv.Datadog(), config.Metric{Name: "by host", Query: q, Crit: &crit})
	r := poll(t, c)[0].Result

	if len(r.Series) != MaxSeries {
		t.Fatalf("%d series shown, want %d", len(r.Series), MaxSeries)
	}
	if r.Series[0].Name != "host:web-00" || r.Series[1].Name != "host:web-01" {
		t.Errorf("series names %q, %q; want host:web-00, host:web-01", r.Series[0].Name, r.Series[1].Name)
	}
	if *r.Value != 2000 {
		t.Errorf("value = %v, want the worst series' newest point 2000", *r.Value)
	}
	if r.Status != sources.Crit || !strings.HasPrefix(r.Detail, "host:web-09 (worst of 11)") || !strings.Contains(r.Detail, "+3 more") {
		t.Errorf("status %s detail %q; want crit, naming host:web-09 and +3 more", r.Status, r.Detail)
	}
	if last := r.Series[MaxSeries-1]; last.Name != "host:web-09" {
		t.Errorf("the worst series is not among those shown (last shown %q)", last.Name)
	}
	if r.Facts["series_count"] != MaxSeries+3 {
		t.Errorf("series_count = %v, want %d", r.Facts["series_count"], MaxSeries+3)
	}
}

func TestNoSeriesIsUnknownNoData(t *testing.T) {
	srv := ddtest.NewServer(t)
	srv.SetSeries("avg:ok{*}", ddtest.Series{Values: ddtest.Vals(1)})
	srv.SetSeries("avg:gaps{*}", ddtest.Series{Values: ddtest.Vals(nil, nil)})
	c := newClient(t, srv.Datadog(), metric("empty", "sum:errors{*}.as_count()"), metric("gaps", "avg:gaps{*}"), metric("ok", "avg:ok{*}"))
	got := byName(poll(t, c))
	for _, name := range []string{"empty", "gaps"} {
		r := got[name]
		if r.Status != sources.Unknown || r.Failed || r.Error != "no data in the last 1h" || r.Value != nil {
			t.Errorf("%s: status %s error %q value %v; want unknown, no data", name, r.Status, r.Error, r.Value)
		}
		if r.Facts["last_point_at"] != nil || r.Facts["points"] != 0 {
			t.Errorf("%s: facts %v", name, r.Facts)
		}
	}
	if got["ok"].Status != sources.OK || got["ok"].Error != "" {
		t.Errorf("ok: %+v", got["ok"])
	}
}
