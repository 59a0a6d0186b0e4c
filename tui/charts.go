package tui

import (
	"fmt"
	"math"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/widgets"
)

// chartRow is one line of the charts pane: a section title or one series of a source.
type chartRow struct {
	section string // non-empty for a section title
	source  int    // index into the snapshot's sources
	series  int    // index into that source's series
}

var sections = []struct{ group, title string }{
	{sources.GroupMetric, "RESPONSE TIME & METRICS"},
	{sources.GroupDB, "DATABASES"},
	{sources.GroupHealth, "HEALTH"},
}

// maxSeriesRows is how many series of one source get a row; the rest are summed up.
const maxSeriesRows = 6

// chartRows lists the charts pane's rows for the current snapshot.
func (m *Model) chartRows() []chartRow {
	var rows []chartRow
	for _, sec := range sections {
		first := true
		for i, s := range m.snap.Sources {
			if s.Group != sec.group {
				continue
			}
			if first {
				rows = append(rows, chartRow{section: sec.title})
				first = false
			}
			n := max(1, min(len(s.Series), maxSeriesRows))
			for j := 0; j < n; j++ {
				rows = append(rows, chartRow{source: i, series: j})
			}
		}
	}
	return rows
}

// chartsKey is what the charts pane depends on: it is drawn again only when one changes.
type chartsKey struct {
	version uint64
	w, h    int
	end     time.Time
	sel     int
	focused bool
	cutover time.Time
	styles  *widgets.Styles
}

// chartsPane draws the charts in w×h cells, scrolled so that the selected row shows. The
// result is kept until the snapshot, the size, the selection or the newest column changes,
// so a clock tick costs nothing here.
func (m *Model) chartsPane(w, h int) []string {
	if h <= 0 {
		return nil
	}
	lay := widgets.NewSparkLayout(w - 1)
	_, end := m.columns(lay.Spark)
	key := chartsKey{version: m.snap.Version, w: w, h: h, end: end, sel: m.chartSel,
		focused: m.focus == paneCharts, cutover: m.sheet.CutoverAt, styles: m.styles}
	if m.chartsCache != nil && m.chartsCacheKey == key {
		return m.chartsCache
	}
	m.chartsCache, m.chartsCacheKey = m.drawCharts(w, h, lay), key
	return m.chartsCache
}

func (m *Model) drawCharts(w, h int, lay widgets.SparkLayout) []string {
	rows := m.chartRows()
	m.chartSel = clamp(m.chartSel, 0, len(rows)-1)
	off := 0
	if m.chartSel >= h {
		off = m.chartSel - h + 1
	}
	step, end := m.columns(lay.Spark)
	out := make([]string, 0, h)
	for i := off; i < len(rows) && len(out) < h; i++ {
		r := rows[i]
		if r.section != "" {
			out = append(out, m.sectionLine(r.section, w, step, lay.Spark, i == 0))
			continue
		}
		mark := " "
		if i == m.chartSel && m.focus == paneCharts {
			mark = m.styles.Accent.Render("▌")
		}
		out = append(out, mark+m.styles.SparkRow(m.sparkRow(r, lay.Spark, step, end), w-1))
	}
	if len(rows) == 0 {
		out = append(out, fit(m.styles.Muted.Render(" no sources: add metrics, databases or health to the config"), w))
	}
	return exact(joinLines(out), w, h)
}

// columns returns the width of one chart column in wall time (the window over the columns,
// rounded up to a whole second) and the end of the newest column, aligned to that width so
// that columns only shift when a whole column of time has passed.
func (m *Model) columns(n int) (time.Duration, time.Time) {
	if n <= 0 {
		return time.Second, m.now
	}
	step := (m.deps.Window + time.Duration(n) - 1) / time.Duration(n)
	step = max(time.Second, (step + time.Second - 1).Truncate(time.Second))
	end := m.now.Truncate(step).Add(step)
	return step, end
}

func (m *Model) sectionLine(title string, w int, step time.Duration, n int, first bool) string {
	st := m.styles
	left := st.Title.Render(" " + title)
	if m.focus == paneCharts && first {
		left = st.Accent.Render("▌") + st.Title.Render(title)
	}
	if !first {
		return fit(left, w)
	}
	right := short(step*time.Duration(max(n, 1))) + " window"
	if c := m.sheet.CutoverAt; !c.IsZero() {
		right += " · │ cutover " + c.In(m.deps.Loc).Format("15:04")
	}
	return spread([]string{left, st.Muted.Render(right + " ")}, w)
}

// sparkRow gathers one series' data for the widget.
func (m *Model) sparkRow(r chartRow, n int, step time.Duration, end time.Time) widgets.SparkRow {
	src := m.snap.Sources[r.source]
	// The board's rule (SourceState.Effective) decides what stale means: unknown, unless
	// last seen crit. The row is drawn stale when that rule made it unknown.
	eff := src.Effective()
	row := widgets.SparkRow{Label: src.Name, Unit: src.Unit, Value: src.Value, CutoverCol: -1,
		Level: widgets.Level(eff), Stale: src.Stale && eff == sources.Unknown, Warn: src.Threshold.Warn,
		Crit: src.Threshold.Crit, Below: src.Threshold.Below}
	var view *board.SeriesView
	if r.series < len(src.Series) {
		se := src.Series[r.series]
		if se.Name != "" {
			row.Label = src.Name + " " + se.Name
			row.Level = widgets.Level(se.Status)
		}
		row.Value, row.Unit = se.Value, se.Unit
		if row.Unit == "" {
			row.Unit = src.Unit
		}
		view = m.snap.Series(se.Key)
	}
	if view != nil {
		if _, ok := view.Last(); ok {
			row.Buckets = view.Buckets(end, step, n)
		}
	}
	if c := m.sheet.CutoverAt; !c.IsZero() && c.Before(end) {
		if k := int(end.Sub(c) / step); k < n {
			row.CutoverCol = n - 1 - k
		}
	}
	m.annotate(&row, src, view)
	return row
}

// annotate sets the row's note: the error, the before/after verdict for metrics, or the
// source's detail.
func (m *Model) annotate(row *widgets.SparkRow, src board.SourceState, view *board.SeriesView) {
	row.Planned = src.Planned != ""
	switch {
	case src.Error != "":
		row.Note, row.NoteLevel = src.Error, widgets.Level(src.Status)
		if row.Buckets == nil {
			row.Detail = src.Error
		}
	case src.Group == sources.GroupMetric && view != nil && !m.sheet.CutoverAt.IsZero():
		row.Note, row.NoteLevel = m.verdict(src.Threshold.Below, view)
	default:
		row.Note = src.Detail
		if row.Buckets == nil {
			row.Detail = src.Detail
		}
	}
}

// verdict compares the median after the cutover with the median of the window before it:
// "▼18% after", green when it got better.
func (m *Model) verdict(below bool, view *board.SeriesView) (string, widgets.Level) {
	c := m.sheet.CutoverAt
	before, _, nb := view.Quantiles(c.Add(-m.deps.Window), c)
	after, _, na := view.Quantiles(c, m.now.Add(time.Second))
	if nb == 0 || na == 0 || before == 0 {
		return "", widgets.LevelUnknown
	}
	change := (after - before) / math.Abs(before) * 100
	arrow := "▲"
	if change < 0 {
		arrow = "▼"
	}
	better := (change < 0) != below
	level := widgets.LevelOK
	if !better && math.Abs(change) >= 1 {
		level = widgets.LevelWarn
	}
	return fmt.Sprintf("%s%.0f%% after", arrow, math.Abs(change)), level
}
