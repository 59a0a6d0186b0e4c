package web

import (
	"html/template"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/widgets"
)

// Chart geometry: columns over the window (each a bucket: its average as the line, its
// min–max as the band, so a one-second spike stays visible) and the SVG's size. The page
// scales the SVG to its width.
const (
	chartColumns   = 180
	maxCharts      = 8
	maxChartSeries = 6
	chartW, chartH = 720, 220
)

// charts draws the pinned sources (`pin: true`; with none, the metrics; with none of those,
// the first sources)
// over the window, with the cutover as a marker and the thresholds as lines.
func (s *Server) charts(snap *board.Snapshot, v runsheet.View, now time.Time) []chartView {
	var out []chartView
	for _, src := range s.chartSources(snap) {
		c := s.chart(snap, src, v, now)
		out = append(out, chartView{Name: clean(src.Name), SVG: template.HTML(c.Render())}) // #nosec: SVGChart escapes every text
	}
	return out
}

func (s *Server) chartSources(snap *board.Snapshot) []board.SourceState {
	var out []board.SourceState
	add := func(keep func(board.SourceState) bool) {
		for _, src := range snap.Sources {
			if len(out) < maxCharts && keep(src) {
				out = append(out, src)
			}
		}
	}
	add(func(src board.SourceState) bool { return src.Pin })
	if len(out) > 0 {
		return out
	}
	add(func(src board.SourceState) bool { return src.Group == "metric" })
	if len(out) == 0 {
		add(func(board.SourceState) bool { return true })
	}
	return out
}

// chart is one source's chart: a line and a band per series.
func (s *Server) chart(snap *board.Snapshot, src board.SourceState, v runsheet.View, now time.Time) widgets.SVGChart {
	step := s.deps.Window / chartColumns
	end := now.Truncate(step).Add(step) // columns aligned to wall time
	start := end.Add(-time.Duration(chartColumns) * step)
	c := widgets.SVGChart{Title: src.Name, Width: chartW, Height: chartH, Unit: src.Unit, Start: start, End: end, Loc: s.deps.Loc}
	for i, se := range src.Series {
		if i == maxChartSeries {
			break
		}
		name := se.Name
		if name == "" {
			name = src.Name
		}
		line := widgets.SVGLine{Name: name}
		band := widgets.SVGBand{Name: name}
		for j, b := range snap.Series(se.Key).Buckets(end, step, chartColumns) {
			t := start.Add(time.Duration(j)*step + step/2)
			if b.N == 0 {
				line.Points = append(line.Points, widgets.SVGPoint{Time: t, Null: true})
				continue
			}
			line.Points = append(line.Points, widgets.SVGPoint{Time: t, Value: b.Avg})
			band.Points = append(band.Points, widgets.SVGBandPoint{Time: t, Lo: b.Min, Hi: b.Max})
		}
		c.Lines = append(c.Lines, line)
		c.Bands = append(c.Bands, band)
	}
	if len(c.Lines) == 1 {
		c.Lines[0].Name, c.Bands[0].Name = "", "" // one series needs no legend
	}
	th := src.Threshold
	if th.Warn != nil {
		c.Thresholds = append(c.Thresholds, widgets.SVGThreshold{Label: "warn", Value: *th.Warn, Color: "#d97706"})
	}
	if th.Crit != nil {
		c.Thresholds = append(c.Thresholds, widgets.SVGThreshold{Label: "crit", Value: *th.Crit, Color: "#dc2626"})
	}
	if !v.CutoverAt.IsZero() && v.CutoverAt.After(start) {
		c.Markers = append(c.Markers, widgets.SVGMarker{Label: "cutover", Time: v.CutoverAt, Color: "#7c3aed", Strong: true})
	}
	return c
}
