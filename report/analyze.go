package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/widgets"
)

// Report is everything the postmortem says, computed once for both outputs.
type Report struct {
	Title string
	// Notes say what the reader must know first: a crash, a recording that ends before the
	// cutover, restarts.
	Notes       []string
	Summary     Summary
	Checkpoints []CheckpointRow
	Actions     []Action
	Overrides   []CheckpointRow
	Rollbacks   []Action // rollbacks started and called off
	// RollbacksStarted counts the rollbacks started.
	RollbacksStarted int
	Periods          []Period
	Strays           []Stray
	Flips            []Flip
	Metrics          []MetricRow
	Charts           []Chart
	Gantt            string // SVG
	Rehearsal        bool   // the plan came from a rehearsal: show rehearsal vs live
}

// Summary is the run in a few figures.
type Summary struct {
	RecordedFrom, RecordedTo time.Time
	PlannedStart, PlannedEnd time.Time
	ActualStart, ActualEnd   time.Time // ActualEnd zero: not finished in the recording
	Window                   time.Duration
	Cutover                  time.Time
	NoReturn                 time.Time
	NoReturnID               string
	Finished                 bool
}

// Period is a stretch of warn or crit of one source.
type Period struct {
	Source, Status string
	Start, End     time.Time
	Open           bool // still so when the recording ends
	Why            string
}

// Duration is the period's length.
func (p Period) Duration() time.Duration { return p.End.Sub(p.Start) }

// MetricRow compares a series before and after the cutover.
type MetricRow struct {
	Series, Unit            string
	BeforeMedian, BeforeP95 float64
	AfterMedian, AfterP95   float64
	NBefore, NAfter         int
	Verdict                 string
}

// Chart is one series' chart.
type Chart struct {
	Name, Slug, SVG string
}

// Analyze computes the report from the data.
func Analyze(d *Data) *Report {
	rep := &Report{Title: d.Title}
	rows, acts := d.foldCheckpoints()
	rep.Checkpoints, rep.Actions = rows, acts
	s := &rep.Summary
	s.RecordedFrom, s.RecordedTo, s.Window = d.First, d.Last, d.Plan.Window.D()
	s.Finished = len(rows) > 0
	for _, r := range rows {
		if !r.Start.IsZero() && (s.ActualStart.IsZero() || r.Start.Before(s.ActualStart)) {
			s.ActualStart = r.Start
		}
		if r.End.After(s.ActualEnd) {
			s.ActualEnd = r.End
		}
		if r.State != string(runsheet.Done) && r.State != string(runsheet.Skipped) {
			s.Finished = false
		}
		if r.Cutover && r.State == string(runsheet.Done) {
			s.Cutover = r.End
		}
		if r.NoReturn && r.State == string(runsheet.Done) {
			s.NoReturn, s.NoReturnID = r.End, r.ID
		}
		if r.Override {
			rep.Overrides = append(rep.Overrides, r)
		}
		rep.Rehearsal = rep.Rehearsal || r.Rehearsal > 0
	}
	if !s.Finished {
		s.ActualEnd = time.Time{}
	}
	s.PlannedStart = s.ActualStart
	if s.PlannedStart.IsZero() {
		s.PlannedStart = d.First
	}
	s.PlannedEnd = schedule(rep.Checkpoints, s.PlannedStart)
	if s.Window > 0 {
		s.PlannedEnd = s.PlannedStart.Add(s.Window)
	}
	for _, a := range acts {
		if a.What == string(runsheet.Rollback) || a.What == string(runsheet.Resume) {
			rep.Rollbacks = append(rep.Rollbacks, a)
		}
		if a.What == string(runsheet.Rollback) {
			rep.RollbacksStarted++
		}
	}
	rep.Notes = notes(d, s)
	rep.Periods = d.periods()
	rep.Strays, rep.Flips = d.strays, d.flips
	rep.Metrics = d.metrics(s.Cutover)
	rep.Charts = d.charts(rep)
	rep.Gantt = gantt(rep.Checkpoints, d.Last)
	return rep
}

// notes says what is unusual about the recording itself.
func notes(d *Data, s *Summary) []string {
	var out []string
	if n := len(d.Sessions); n > 0 && !d.Sessions[n-1].EndedClean {
		out = append(out, fmt.Sprintf("The recording was cut short at %s (the recorder crashed or was killed): the report covers what was written until then.", clock(d.Last)))
	}
	if d.Torn {
		out = append(out, "The file ends in an incomplete frame, skipped (at most the last second before a crash).")
	}
	for i := 1; i < len(d.Sessions); i++ {
		gap := d.Sessions[i].First.Sub(d.Sessions[i-1].Last)
		out = append(out, fmt.Sprintf("The recorder restarted at %s (nothing recorded for %s).", clock(d.Sessions[i].First), dur(gap)))
	}
	if d.Skipped > 0 {
		out = append(out, fmt.Sprintf("%d damaged lines or frames were skipped.", d.Skipped))
	}
	if s.Cutover.IsZero() {
		out = append(out, "The recording ends before the cutover: no before/after comparison.")
	}
	if !s.Finished && !s.ActualStart.IsZero() {
		out = append(out, "The runsheet was not finished when the recording ends.")
	}
	return out
}

// periods lists every warn and crit stretch, per source in the header's order.
func (d *Data) periods() []Period {
	var out []Period
	for _, src := range d.Sources {
		sts := d.statuses[src.Name]
		for i, st := range sts {
			if st.status != "warn" && st.status != "crit" {
				continue
			}
			p := Period{Source: src.Name, Status: st.status, Start: st.at, End: d.Last, Open: true, Why: st.why}
			if i+1 < len(sts) {
				p.End, p.Open = sts[i+1].at, false
			}
			out = append(out, p)
		}
	}
	return out
}

// metrics compares each series' median and p95 before and after the cutover.
func (d *Data) metrics(cutover time.Time) []MetricRow {
	var out []MetricRow
	for _, key := range d.chartKeys() {
		s := d.series[key]
		row := MetricRow{Series: seriesTitle(s), Unit: d.unitOf(s)}
		var before, after []float64
		for _, p := range s.points {
			if p.Null || math.IsNaN(p.Value) {
				continue
			}
			if !cutover.IsZero() && !p.Time.Before(cutover) {
				after = append(after, p.Value)
			} else {
				before = append(before, p.Value)
			}
		}
		row.NBefore, row.NAfter = len(before), len(after)
		row.BeforeMedian, row.BeforeP95 = quantile(before, 0.5), quantile(before, 0.95)
		row.AfterMedian, row.AfterP95 = quantile(after, 0.5), quantile(after, 0.95)
		row.Verdict = verdict(row, cutover.IsZero(), d.higherBetter(s.source))
		out = append(out, row)
	}
	return out
}

// unitOf is a series' unit, else its source's.
func (d *Data) unitOf(s *seriesData) string {
	if s.unit != "" {
		return s.unit
	}
	for _, src := range d.Sources {
		if src.Name == s.source {
			return src.Unit
		}
	}
	return ""
}

// higherBetter: a source whose thresholds are "below" is worse when it falls.
func (d *Data) higherBetter(name string) bool {
	for _, s := range d.Sources {
		if s.Name == name {
			return s.Below
		}
	}
	return false
}

// verdict says whether the series got better after the cutover: by its median (the
// cutover's own spike moves the p95 more than the level that follows), ±10 %, with both
// changes in words.
func verdict(r MetricRow, noCutover, higherBetter bool) string {
	switch {
	case noCutover:
		return "no cutover recorded"
	case r.NBefore < 3 || r.NAfter < 3:
		return "too few samples"
	}
	change := func(b, a float64) float64 {
		if b == a {
			return 0
		}
		return (a - b) / math.Max(math.Abs(b), 1e-9)
	}
	med, p95 := change(r.BeforeMedian, r.AfterMedian), change(r.BeforeP95, r.AfterP95)
	why := fmt.Sprintf(" (median %+.0f%%, p95 %+.0f%%)", med*100, p95*100)
	if higherBetter {
		med = -med
	}
	switch {
	case math.Abs(med) < 0.10:
		if math.Abs(p95) < 0.10 {
			return "same"
		}
		return "same" + why
	case med < 0:
		return "better" + why
	}
	return "worse" + why
}

// quantile is the q-quantile (nearest rank) of vs; NaN when empty.
func quantile(vs []float64, q float64) float64 {
	if len(vs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), vs...)
	sort.Float64s(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

// chartKeys are the series worth a chart and a before/after row: every series with a
// value, in the board's order (metrics, databases, health).
func (d *Data) chartKeys() []string {
	rank := map[string]int{"metric": 0, "db": 1, "health": 2}
	pos := map[string]int{}
	for i, s := range d.Sources {
		pos[s.Name] = rank[s.Group]*10000 + i
	}
	var keys []string
	for _, k := range d.order {
		s := d.series[k]
		if _, ok := pos[s.source]; !ok {
			continue
		}
		for _, p := range s.points {
			if !p.Null {
				keys = append(keys, k)
				break
			}
		}
	}
	sort.SliceStable(keys, func(i, j int) bool { return pos[d.series[keys[i]].source] < pos[d.series[keys[j]].source] })
	return keys
}

func seriesTitle(s *seriesData) string {
	if s.name == "" {
		return s.source
	}
	return s.source + " · " + s.name
}

// charts draws each series over the whole run with the cutover and checkpoint times.
func (d *Data) charts(rep *Report) []Chart {
	var markers []widgets.SVGMarker
	for _, r := range rep.Checkpoints {
		if r.End.IsZero() || r.Cutover {
			continue
		}
		markers = append(markers, widgets.SVGMarker{Label: r.ID, Time: r.End})
	}
	for _, a := range rep.Rollbacks {
		markers = append(markers, widgets.SVGMarker{Label: a.What, Time: a.At, Color: "#d97706", Strong: true})
	}
	if c := rep.Summary.Cutover; !c.IsZero() {
		markers = append(markers, widgets.SVGMarker{Label: "cutover " + clock(c), Time: c, Color: "#dc2626", Strong: true})
	}
	var out []Chart
	used := map[string]int{}
	for _, key := range d.chartKeys() {
		s := d.series[key]
		ch := widgets.SVGChart{Title: seriesTitle(s), Unit: d.unitOf(s), Width: 900, Height: 260,
			Start: d.First, End: d.Last, Markers: markers,
			Lines: []widgets.SVGLine{{Name: seriesTitle(s), Points: s.points}}}
		if s.name == "" {
			for _, src := range d.Sources {
				if src.Name == s.source && src.Warn != nil {
					ch.Thresholds = append(ch.Thresholds, widgets.SVGThreshold{Label: "warn", Value: *src.Warn, Color: "#d97706"})
				}
				if src.Name == s.source && src.Crit != nil {
					ch.Thresholds = append(ch.Thresholds, widgets.SVGThreshold{Label: "crit", Value: *src.Crit, Color: "#dc2626"})
				}
			}
		}
		slug := slugOf(seriesTitle(s))
		if used[slug]++; used[slug] > 1 {
			slug += fmt.Sprintf("-%d", used[slug])
		}
		out = append(out, Chart{Name: seriesTitle(s), Slug: slug, SVG: ch.Render()})
	}
	return out
}

// slugOf makes a file name part of a title.
func slugOf(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		out = "series"
	}
	return out
}

// clock is a time as the report shows it (UTC).
func clock(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.UTC().Format("15:04:05")
}

// dur is a duration as the report shows it: 1h02m03s, 4m05s, 12s.
func dur(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case h > 0:
		return fmt.Sprintf("%dh%02dm%02ds", h, m, s)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}
