package datadog

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources/datadog/ddtest"
)

// benchMetrics sets up n metrics of series series each on srv, 240 points per series (an
// hour at the 15 s rollup).
func benchMetrics(srv *ddtest.Server, n, series int) []config.Metric {
	vals := make([]any, 240)
	for i := range vals {
		vals[i] = float64(100 + i%17)
	}
	var ms []config.Metric
	for i := range n {
		q := fmt.Sprintf("p95:trace.rack.request{service:s%d} by {host}", i)
		var ss []ddtest.Series
		for h := range series {
			ss = append(ss, ddtest.Series{GroupTags: []string{fmt.Sprintf("host:web-%d", h)}, Values: ddtest.Vals(vals...)})
		}
		srv.SetSeries(q, ss...)
		ms = append(ms, config.Metric{Name: fmt.Sprintf("m%d", i), Query: q, Unit: "ms"})
	}
	return ms
}

// BenchmarkPoll is one whole poll (request, answer over loopback, decode, results) of 20
// metrics, one series each, 240 points per series; the fake server's JSON encoding and gzip
// run in the same process and are counted too. It reports the request body's size.
func BenchmarkPoll(b *testing.B) {
	srv := ddtest.NewServer(b)
	srv.SetRateLimit(0, 0)
	ms := benchMetrics(srv, 20, 1)
	c, err := New(srv.Datadog(), ms)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	poll := c.Job().Poll
	b.ReportAllocs()
	for b.Loop() {
		if r := poll(context.Background()); r[0].Result.Error != "" {
			b.Fatal(r[0].Result.Error)
		}
	}
	req, _ := json.Marshal(c.newRequest(c.active(), time.Now()))
	b.ReportMetric(float64(len(req)), "request-bytes")
}

// BenchmarkDecode is decoding and turning into results an answer of 20 metrics × 8 series ×
// 240 points; it reports the answer's size.
func BenchmarkDecode(b *testing.B) {
	ms := make([]config.Metric, 20)
	series, values := []map[string]any{}, [][]*float64{}
	times := make([]int64, 240)
	for i := range times {
		times[i] = time.Unix(1_700_000_000, 0).Add(time.Duration(i) * 15 * time.Second).UnixMilli()
	}
	for i := range ms {
		ms[i] = config.Metric{Name: fmt.Sprint(i), Query: "q"}
		for h := range 8 {
			series = append(series, map[string]any{"group_tags": []string{fmt.Sprintf("host:web-%d", h)}, "query_index": i, "unit": nil})
			v := make([]*float64, 240)
			for j := range v {
				f := float64(j)
				v[j] = &f
			}
			values = append(values, v)
		}
	}
	body, _ := json.Marshal(map[string]any{"data": map[string]any{"type": "timeseries_response",
		"attributes": map[string]any{"series": series, "times": times, "values": values}}})
	c := &Client{metrics: ms, window: time.Hour, pollState: newPollState()}
	b.ReportAllocs()
	for b.Loop() {
		d, err := decodeTimeseries(body, "application/json", 20)
		if err != nil {
			b.Fatal(err)
		}
		for i := range ms {
			c.result(i, outcome{series: d.bySlot[i]}, "")
		}
	}
	b.ReportMetric(float64(len(body)), "answer-bytes")
}
