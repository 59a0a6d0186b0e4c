package datadog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// The body of POST /api/v2/query/timeseries (the generated TimeseriesFormulaQueryRequest):
// one metrics query per metric, named q0, q1, …, each returned by a formula of its own name.
type tsRequest struct {
	Data tsRequestData `json:"data"`
}

type tsRequestData struct {
	Type       string         `json:"type"` // "timeseries_request"
	Attributes tsRequestAttrs `json:"attributes"`
}

type tsRequestAttrs struct {
	From     int64       `json:"from"`               // ms since the epoch, inclusive
	To       int64       `json:"to"`                 // ms since the epoch, exclusive
	Interval int64       `json:"interval,omitempty"` // ms; Datadog may choose a larger one
	Queries  []tsQuery   `json:"queries"`
	Formulas []tsFormula `json:"formulas"`
}

type tsQuery struct {
	DataSource string `json:"data_source"` // "metrics"
	Query      string `json:"query"`
	Name       string `json:"name"`
}

type tsFormula struct {
	Formula string `json:"formula"`
}

// tsResponse is the answer (the generated TimeseriesFormulaQueryResponse): the times are
// shared by every series, values[i] belongs to series[i], and a series' query_index is the
// index of its formula.
type tsResponse struct {
	Data *struct {
		Type       string `json:"type"` // "timeseries_response"
		Attributes struct {
			Series []tsSeries   `json:"series"`
			Times  []int64      `json:"times"`
			Values [][]*float64 `json:"values"`
		} `json:"attributes"`
	} `json:"data"`
	// Errors is a string in the schema; a list is accepted too.
	Errors any `json:"errors"`
}

type tsSeries struct {
	GroupTags  []string  `json:"group_tags"`
	QueryIndex *int32    `json:"query_index"`
	Unit       []*tsUnit `json:"unit"` // [primary unit, per unit]; either may be null
}

type tsUnit struct {
	ShortName string `json:"short_name"`
}

// metricSeries is one decoded series of one metric, points oldest first.
type metricSeries struct {
	name   string
	unit   string
	points []sources.Point
}

// decoded is one answer split by formula: bySlot[k] are the series of the k-th query.
type decoded struct {
	bySlot  [][]metricSeries
	remarks string // Datadog's "errors" text on a successful answer
}

var jsonType = regexp.MustCompile(`(?i)^\s*(application|text)/([a-z.+-]*\+)?json\b`)

// decodeTimeseries reads a 2xx answer of the timeseries endpoint for a request of slots
// queries. Anything that is not that answer is an error saying what was wrong with it.
func decodeTimeseries(body []byte, contentType string, slots int) (decoded, error) {
	out := decoded{bySlot: make([][]metricSeries, slots)}
	if contentType != "" && !jsonType.MatchString(contentType) {
		return out, fmt.Errorf("it is %s, not JSON", sanitize(contentType, 60))
	}
	var r tsResponse
	if len(body) == 0 {
		return out, errors.New("it is empty")
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return out, fmt.Errorf("it is not the expected JSON (%s)", sanitize(err.Error(), 120))
	}
	if r.Data == nil {
		if txt := remarkText(r.Errors); txt != "" {
			return out, errors.New(txt)
		}
		return out, errors.New(`it has no "data"`)
	}
	if r.Data.Type != "" && r.Data.Type != "timeseries_response" {
		return out, fmt.Errorf("its data is a %q, not a timeseries_response", sanitize(r.Data.Type, 40))
	}
	a := r.Data.Attributes
	if len(a.Values) != len(a.Series) {
		return out, fmt.Errorf("it has %d series but %d lists of values", len(a.Series), len(a.Values))
	}
	for i, s := range a.Series {
		slot := 0
		if s.QueryIndex != nil {
			slot = int(*s.QueryIndex)
		} else if slots != 1 {
			continue // cannot tell which query it answers
		}
		if slot < 0 || slot >= slots {
			continue
		}
		out.bySlot[slot] = append(out.bySlot[slot], metricSeries{
			name:   seriesName(s.GroupTags),
			unit:   unitName(s.Unit),
			points: points(a.Times, a.Values[i]),
		})
	}
	out.remarks = remarkText(r.Errors)
	return out, nil
}

// points pairs the shared times with one series' values; a missing or null value is a gap.
func points(times []int64, values []*float64) []sources.Point {
	ps := make([]sources.Point, len(times))
	for j, ms := range times {
		ps[j] = sources.Point{Time: time.UnixMilli(ms), Null: true}
		if j < len(values) && values[j] != nil {
			ps[j].Value, ps[j].Null = *values[j], false
		}
	}
	if !sort.SliceIsSorted(ps, func(a, b int) bool { return ps[a].Time.Before(ps[b].Time) }) {
		sort.SliceStable(ps, func(a, b int) bool { return ps[a].Time.Before(ps[b].Time) })
	}
	return ps
}

// seriesName is a series' group tags as Datadog writes them: "host:web-1,az:a".
func seriesName(tags []string) string {
	clean := make([]string, 0, len(tags))
	for _, t := range tags {
		clean = append(clean, sanitize(t, 80))
	}
	return sanitize(strings.Join(clean, ","), 120)
}

func unitName(units []*tsUnit) string {
	if len(units) == 0 || units[0] == nil {
		return ""
	}
	u := sanitize(units[0].ShortName, 12)
	if len(units) > 1 && units[1] != nil && units[1].ShortName != "" {
		u += "/" + sanitize(units[1].ShortName, 12)
	}
	return u
}

func remarkText(v any) string {
	switch e := v.(type) {
	case string:
		return sanitize(e, maxText)
	case []any:
		var parts []string
		for _, p := range e {
			if s, ok := p.(string); ok {
				parts = append(parts, s)
			}
		}
		return sanitize(strings.Join(parts, "; "), maxText)
	}
	return ""
}

// queryInterval is the rollup asked of Datadog: about 240 points per window, in whole
// seconds (15s for an hour). Datadog may answer with a coarser one.
func queryInterval(window time.Duration) time.Duration {
	return max((window / 240).Round(time.Second), time.Second)
}

// newRequest builds the request for the metrics at idxs over [now-window, now).
func (c *Client) newRequest(idxs []int, now time.Time) *tsRequest {
	attrs := tsRequestAttrs{
		From:     now.Add(-c.window).UnixMilli(),
		To:       now.UnixMilli(),
		Interval: queryInterval(c.window).Milliseconds(),
	}
	for k, i := range idxs {
		name := "q" + strconv.Itoa(k)
		attrs.Queries = append(attrs.Queries, tsQuery{DataSource: "metrics", Query: c.metrics[i].Query, Name: name})
		attrs.Formulas = append(attrs.Formulas, tsFormula{Formula: name})
	}
	return &tsRequest{Data: tsRequestData{Type: "timeseries_request", Attributes: attrs}}
}

// query asks Datadog for the metrics at idxs in one request and records the rate-limit
// headers of the answer.
func (c *Client) query(ctx context.Context, idxs []int) (decoded, *callError) {
	req := c.newRequest(idxs, c.now())
	a, cerr := c.call(ctx, "/api/v2/query/timeseries", req, true)
	c.requests++
	if cerr != nil {
		return decoded{}, cerr
	}
	c.rate.observe(a.header, c.now())
	if a.status < 200 || a.status >= 300 {
		what := "the query"
		if len(idxs) > 1 {
			what = fmt.Sprintf("a request of %d queries", len(idxs))
		}
		return decoded{}, c.statusError(a, what)
	}
	d, err := decodeTimeseries(a.body, a.contentType, len(idxs))
	if err != nil {
		return decoded{}, &callError{kind: failDecode, status: a.status, msg: c.clean(fmt.Sprintf(
			"Datadog's answer cannot be read: %v; is datadog.url (%s) the Datadog API?", err, c.base))}
	}
	d.keepWindow(req.Data.Attributes.From, req.Data.Attributes.To, req.Data.Attributes.Interval)
	return d, nil
}

// keepWindow drops the points outside the window asked for, [from, to] in ms, allowing one
// rollup interval on either side (the bucket that holds from, a clock a little ahead): the
// interval asked for, or the answer's own when Datadog chose a coarser one (at most a
// quarter of the window). A recorded or cached answer with old times must not pass for a
// value now.
func (d decoded) keepWindow(from, to, interval int64) {
	for _, slot := range d.bySlot {
		for k := range slot {
			slack := max(interval, min(rollupStep(slot[k].points), (to-from)/4))
			lo, hi := time.UnixMilli(from-slack), time.UnixMilli(to+slack)
			kept := slot[k].points[:0]
			for _, p := range slot[k].points {
				if !p.Time.Before(lo) && !p.Time.After(hi) {
					kept = append(kept, p)
				}
			}
			slot[k].points = kept
		}
	}
}

// rollupStep is the smallest gap between two points (oldest first) in ms, 0 with fewer than
// two: the rollup Datadog answered with.
func rollupStep(ps []sources.Point) int64 {
	var step int64
	for j := 1; j < len(ps); j++ {
		if d := ps[j].Time.Sub(ps[j-1].Time).Milliseconds(); d > 0 && (step == 0 || d < step) {
			step = d
		}
	}
	return step
}
