package datadog

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// result turns what one poll learned about metric i into its board Result. note is a
// message for every metric's Detail (the rate-limit slowdown).
func (c *Client) result(i int, o outcome, note string) (r sources.Result) {
	m := c.metrics[i]
	th := sources.Threshold{Warn: m.Warn, Crit: m.Crit, Below: m.Below}
	unit := m.Unit
	r.Unit = unit
	facts := map[string]any{
		"points":               0,
		"last_point_at":        nil,
		"series_count":         len(o.series),
		"rate_limit_remaining": c.rate.remainingFact(),
		"query":                m.Query,
	}
	defer func() {
		facts["error"] = r.Error
		r.Facts = facts
	}()
	if o.err != "" {
		r.Error = o.err
		r.Detail = joinDetail("", note)
		return r
	}
	series := append([]metricSeries(nil), o.series...)
	sort.SliceStable(series, func(a, b int) bool { return series[a].name < series[b].name })
	if unit == "" && len(series) > 0 {
		r.Unit = series[0].unit // no unit configured: show Datadog's
	}

	var newest time.Time
	count := 0
	worst, worstName := sources.OK, ""
	anyValue := false
	for k, s := range series {
		sr := sources.SeriesResult{Name: s.name, Unit: r.Unit, Status: sources.Unknown, Points: s.points}
		if p, ok := lastValue(s.points); ok {
			anyValue = true
			sr.Value, sr.Status = sources.Float(p.Value), th.Status(p.Value)
			if p.Time.After(newest) {
				newest = p.Time
			}
			if sr.Status.Rank() > worst.Rank() {
				worst, worstName = sr.Status, s.name
			}
		}
		count += nonNull(s.points)
		if k == 0 {
			r.Value = sr.Value
		}
		if k < MaxSeries {
			r.Series = append(r.Series, sr)
		}
	}
	facts["points"] = count
	if !newest.IsZero() {
		facts["last_point_at"] = newest.UTC().Format(time.RFC3339)
	}
	if !anyValue {
		r.Error = "no data in the last " + formatSeconds(c.window.Round(time.Second))
		if o.remarks != "" {
			r.Error += " (Datadog: " + o.remarks + ")"
		}
		r.Detail = joinDetail("", note)
		return r
	}
	r.Status = worst
	var parts []string
	if len(series) > 1 && worstName != series[0].name && worst != sources.OK {
		parts = append(parts, fmt.Sprintf("%s %s", worstName, worst))
	}
	if len(series) > MaxSeries {
		parts = append(parts, fmt.Sprintf("+%d more", len(series)-MaxSeries))
	}
	r.Detail = joinDetail(strings.Join(parts, " · "), note)
	return r
}

// lastValue is the newest non-null point.
func lastValue(ps []sources.Point) (sources.Point, bool) {
	for j := len(ps) - 1; j >= 0; j-- {
		if !ps[j].Null {
			return ps[j], true
		}
	}
	return sources.Point{}, false
}

func nonNull(ps []sources.Point) int {
	n := 0
	for _, p := range ps {
		if !p.Null {
			n++
		}
	}
	return n
}

func joinDetail(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " · " + b
}
