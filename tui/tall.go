package tui

import (
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/widgets"
)

// chart gathers the data of source i's series (indexes into its Series) for n columns of
// step ending at end: the one chart model every output draws (widgets.Chart).
func (m *Model) chart(i int, series []int, n int, step time.Duration, end time.Time) widgets.Chart {
	src := m.snap.Sources[i]
	eff := src.Effective()
	c := widgets.Chart{Title: src.Name, Unit: src.Unit, Start: end.Add(-time.Duration(n) * step), Step: step,
		Warn: src.Threshold.Warn, Crit: src.Threshold.Crit, Below: src.Threshold.Below,
		Cutover: m.sheet.CutoverAt, Level: widgets.Level(eff), Stale: src.Stale && eff == sources.Unknown,
		Interval: src.Interval}
	for _, j := range series {
		cs := widgets.ChartSeries{Name: src.Name, Level: c.Level, Value: src.Value, Buckets: make([]board.Bucket, n)}
		var view *board.SeriesView
		if j < len(src.Series) {
			se := src.Series[j]
			if se.Name != "" {
				cs.Name, cs.Level = se.Name, widgets.Level(se.Status)
			}
			if se.Unit != "" {
				c.Unit = se.Unit
			}
			cs.Value = se.Value
			view = m.snap.Series(se.Key)
		}
		if view != nil {
			cs.Buckets = view.Buckets(end, step, n)
			if _, p95, k := view.Quantiles(c.Start, end); k > 0 {
				cs.P95 = &p95
			}
		}
		if len(c.Series) == 0 {
			m.chartNotes(&c, src, view)
		}
		c.Series = append(c.Series, cs)
	}
	return c
}

// chartNotes sets a chart's medians and note from its first series.
func (m *Model) chartNotes(c *widgets.Chart, src board.SourceState, view *board.SeriesView) {
	if before, after, _, ok := m.medians(view); ok {
		c.Before, c.After = &before, &after
		c.Note, c.NoteLevel = m.verdict(src.Threshold.Below, view)
	}
	switch {
	case src.Error != "":
		c.Note, c.NoteLevel = src.Error, widgets.Level(src.Status)
	case c.Note == "" && src.Detail != "":
		c.Note = src.Detail
	}
}
