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
		// No answer for this metric (transport, rate limit, keys, a rejected query): the
		// scheduler backs off and the board counts it against staleness.
		r.Error, r.Failed = o.err, true
		r.Detail = joinDetail("", note)
		return r
	}
	series := append([]metricSeries(nil), o.series...)
	sort.SliceStable(series, func(a, b int) bool { return series[a].name < series[b].name })
	if unit == "" && len(series) > 0 {
		r.Unit = series[0].unit // no unit configured: show Datadog's
	}

	sum := summarize(series, th, r.Unit)
	r.Value, r.Series = sum.headline, sum.shown
	facts["points"] = sum.points
	if !sum.newest.IsZero() {
		facts["last_point_at"] = sum.newest.UTC().Format(time.RFC3339)
	}
	if !sum.anyValue {
		r.Error = "no data in the last " + formatSeconds(c.window.Round(time.Second))
		if o.remarks != "" {
			r.Error += " (Datadog: " + o.remarks + ")"
		}
		r.Detail = joinDetail("", note)
		return r
	}
	r.Status = sum.worst
	var parts []string
	if len(series) > 1 {
		// The headline is the worst series' value: say whose it is.
		parts = append(parts, fmt.Sprintf("%s (worst of %d)", sum.worstName, len(series)))
	}
	if len(series) > MaxSeries {
		parts = append(parts, fmt.Sprintf("+%d more", len(series)-MaxSeries))
	}
	r.Detail = joinDetail(strings.Join(parts, " · "), note)
	return r
}

// seriesSummary is what the series of one metric add up to.
type seriesSummary struct {
	shown     []sources.SeriesResult // the first MaxSeries by name, the worst always among them
	headline  *float64               // the worst series' newest value
	worst     sources.Status         // the worst status of any series with a value
	worstName string                 // the worst series' name (its group tags)
	newest    time.Time              // the newest non-null point of any series
	points    int                    // non-null points of all series
	anyValue  bool
}

// summarize checks every series (sorted by name) against th. The worst series is the one
// with the worst status; among equals, the one with the worst value (the highest, or the
// lowest when lower is worse), so that the headline is the value that needs attention.
func summarize(series []metricSeries, th sources.Threshold, unit string) seriesSummary {
	sum := seriesSummary{worst: sources.OK}
	all := make([]sources.SeriesResult, len(series))
	worstAt := -1
	for k, s := range series {
		sr := sources.SeriesResult{Name: s.name, Unit: unit, Status: sources.Unknown, Points: s.points}
		if p, ok := lastValue(s.points); ok {
			sum.anyValue = true
			sr.Value, sr.Status = sources.Float(p.Value), th.Status(p.Value)
			if p.Time.After(sum.newest) {
				sum.newest = p.Time
			}
			if worstAt < 0 || worseThan(sr, all[worstAt], th.Below) {
				worstAt = k
			}
		}
		sum.points += nonNull(s.points)
		all[k] = sr
	}
	if worstAt >= 0 {
		w := all[worstAt]
		sum.headline, sum.worst, sum.worstName = w.Value, w.Status, w.Name
	}
	sum.shown = all[:min(len(all), MaxSeries)]
	if worstAt >= MaxSeries {
		sum.shown = append(all[:MaxSeries-1:MaxSeries-1], all[worstAt])
	}
	return sum
}

// worseThan reports whether a (with a value) needs more attention than b.
func worseThan(a, b sources.SeriesResult, below bool) bool {
	if a.Status.Rank() != b.Status.Rank() {
		return a.Status.Rank() > b.Status.Rank()
	}
	if below {
		return *a.Value < *b.Value
	}
	return *a.Value > *b.Value
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
