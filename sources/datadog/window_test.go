package datadog

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/datadog/ddtest"
)

// recordedBody is a timeseries answer as Datadog sends it (recorded shape: unit objects,
// query_index, shared times), with one series of the given times (ms) and values.
func recordedBody(times []int64, values []float64) string {
	var ts, vs []string
	for i := range times {
		ts = append(ts, fmt.Sprint(times[i]))
		vs = append(vs, fmt.Sprint(values[i]))
	}
	return `{"data":{"id":"0","type":"timeseries_response","attributes":{"series":[{"group_tags":[],` +
		`"query_index":0,"unit":[{"family":"time","id":11,"name":"millisecond","plural":"milliseconds",` +
		`"scale_factor":0.001,"short_name":"ms"},null]}],"times":[` + strings.Join(ts, ",") +
		`],"values":[[` + strings.Join(vs, ",") + `]]}}}`
}

// TestPointsOutsideTheWindowDoNotCount: a recorded answer whose points are from 2024 (a
// cache, a replayed body, a proxy) gives no value, no points and no status — "no data in the
// last 1h" — and a mixed answer counts only the points inside the window asked for.
func TestPointsOutsideTheWindowDoNotCount(t *testing.T) {
	srv := ddtest.NewServer(t)
	m := metric("p95", "p95:trace.http.request.duration{env:prod}")
	w := 500.0
	m.Warn = &w
	c := newClient(t, srv.Datadog(), m)

	old := time.Date(2024, 5, 29, 14, 0, 0, 0, time.UTC).UnixMilli()
	srv.AnswerNext(1, 200, recordedBody([]int64{old, old + 15_000, old + 30_000}, []float64{85, 86, 87}))
	r := byName(poll(t, c))["p95"]
	if r.Value != nil || r.Status != sources.Unknown || r.Error != "no data in the last 1h" {
		t.Errorf("2024 points: value %v, status %s, error %q; want no value, unknown, \"no data in the last 1h\"", r.Value, r.Status, r.Error)
	}
	if r.Facts["points"] != 0 || r.Facts["last_point_at"] != nil {
		t.Errorf("2024 points counted: points %v, last_point_at %v", r.Facts["points"], r.Facts["last_point_at"])
	}
	for _, s := range r.Series {
		if len(s.Points) != 0 {
			t.Errorf("series %q keeps %d points from 2024", s.Name, len(s.Points))
		}
	}

	now := time.Now().Add(-time.Minute).Truncate(15 * time.Second).UnixMilli()
	srv.AnswerNext(1, 200, recordedBody([]int64{old, now - 15_000, now}, []float64{999, 120, 130}))
	r = byName(poll(t, c))["p95"]
	if r.Value == nil || *r.Value != 130 || r.Status != sources.OK || r.Facts["points"] != 2 {
		t.Errorf("mixed answer: value %v, status %s, points %v; want 130, ok, 2 (the 2024 point 999 dropped)", r.Value, r.Status, r.Facts["points"])
	}

	c = newClient(t, config.Datadog{URL: srv.URL, APIKey: ddtest.APIKey, AppKey: ddtest.AppKey,
		Window: config.Duration(15 * time.Minute)}, m)
	srv.AnswerNext(1, 200, recordedBody([]int64{time.Now().Add(-40 * time.Minute).UnixMilli()}, []float64{87}))
	if r := byName(poll(t, c))["p95"]; r.Value != nil || r.Error != "no data in the last 15m" {
		t.Errorf("40-minute-old point with a 15m window: value %v, error %q", r.Value, r.Error)
	}
}
