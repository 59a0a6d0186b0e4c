package tui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/widgets"
)

// chartRow is one entry of the charts pane: a section title, one series of a source as a
// sparkline, or a source's main series as a tall chart.
type chartRow struct {
	section string // non-empty for a section title
	source  int    // index into the snapshot's sources
	series  int    // index into that source's series
	tall    bool
}

var sections = []struct{ group, title string }{
	{sources.GroupMetric, "RESPONSE TIME & METRICS"},
	{sources.GroupDB, "DATABASES"},
	{sources.GroupHealth, "HEALTH"},
}

// maxSeriesRows is how many series of one source get a row; the rest are summed up.
const maxSeriesRows = 6

// pinned reports whether a source is drawn tall when there is room: those marked pin: true,
// or with none marked, the metrics.
func pinned(srcs []board.SourceState) func(board.SourceState) bool {
	for _, s := range srcs {
		if s.Pin {
			return func(s board.SourceState) bool { return s.Pin }
		}
	}
	return func(s board.SourceState) bool { return s.Group == "metric" }
}

// chartRows lists the charts pane's rows for the current snapshot (and filter). Pinned
// sources are marked tall; whether they are drawn tall depends on the room (tallHeight).
func (m *Model) chartRows() []chartRow {
	var rows []chartRow
	isPinned := pinned(m.snap.Sources)
	for _, sec := range sections {
		first := true
		for i, s := range m.snap.Sources {
			if s.Group != sec.group || !m.shows(s.Name) {
				continue
			}
			if first {
				rows = append(rows, chartRow{section: sec.title})
				first = false
			}
			n := max(1, min(len(s.Series), maxSeriesRows))
			head := m.groupHead(s)
			for j := 0; j < n; j++ {
				rows = append(rows, chartRow{source: i, series: j, tall: j == 0 && !head && isPinned(s)})
			}
		}
	}
	return rows
}

// groupHead reports whether a source's first row heads its named series instead of drawing
// a chart: a grouped metric (a Datadog query "by {host}") has no points of its own, only its
// headline (the worst group's value) and the detail that names that group.
func (m *Model) groupHead(s board.SourceState) bool {
	if len(s.Series) < 2 {
		return false
	}
	v := m.snap.Series(s.Series[0].Key)
	if v == nil {
		return true
	}
	_, ok := v.Last()
	return !ok
}

// tallHeight is the height rule of the charts pane: how many lines each of nTall tall charts
// gets in a pane of h lines that also holds nRows one-line rows. Tall charts share what the
// one-line rows leave, up to maxTallHeight each. When that is less than
// widgets.MinTallHeight, the tall charts take three fifths of the pane and the one-line rows
// scroll ("+N more"); when even that is too little, every chart is a sparkline (0).
func tallHeight(h, nTall, nRows int) int {
	if nTall == 0 || h <= 0 {
		return 0
	}
	if th := (h - nRows) / nTall; th >= widgets.MinTallHeight {
		return min(th, maxTallHeight)
	}
	if th := h * 3 / 5 / nTall; th >= widgets.MinTallHeight {
		return th
	}
	return 0
}

// maxTallHeight bounds one tall chart's height.
const maxTallHeight = 30

// rowHeight is how many lines a row takes when tall charts are th lines high.
func (r chartRow) height(th int) int {
	if r.tall && th > 0 {
		return th
	}
	return 1
}

// chartsKey is what the charts pane depends on: it is drawn again only when one changes.
type chartsKey struct {
	version uint64
	w, h    int
	end     time.Time
	step    time.Duration
	tallEnd time.Time // the tall charts' page
	ahead   int       // and their columns not over yet
	sel     int
	focused bool
	cutover time.Time
	filter  string
	styles  *widgets.Styles
}

// chartsPane draws the charts in w×h cells, scrolled so that the selected row shows. The
// result is kept until the snapshot, the size, the selection, the window or the newest
// column changes, so a clock tick costs nothing here.
func (m *Model) chartsPane(w, h int) []string {
	if h <= 0 {
		return nil
	}
	lay := widgets.NewSparkLayout(w - 1)
	step, end := m.columns(lay.Spark)
	_, tallEnd, ahead := m.pageColumns(widgets.TallPlotWidth(w - 1))
	key := chartsKey{version: m.snap.Version, w: w, h: h, end: end, step: step, tallEnd: tallEnd, ahead: ahead, sel: m.chartSel,
		focused: m.focus == paneCharts, cutover: m.sheet.CutoverAt, filter: m.filter, styles: m.styles}
	if m.chartsCache != nil && m.chartsCacheKey == key {
		return m.chartsCache
	}
	m.chartsCache = m.drawCharts(w, h, lay)
	key.sel = m.chartSel // drawing may have moved it off a section title
	m.chartsCacheKey = key
	return m.chartsCache
}

func (m *Model) drawCharts(w, h int, lay widgets.SparkLayout) []string {
	rows := m.chartRows()
	if len(rows) == 0 {
		msg := " no sources: add metrics, databases or health to the config"
		if m.filter != "" {
			msg = " no source matches the filter /" + m.filter
		}
		return lines(m.styles.Muted.Render(msg), w, h)
	}
	m.chartSel = sourceRow(rows, m.chartSel, 1)
	nTall := 0
	for _, r := range rows {
		if r.tall {
			nTall++
		}
	}
	th := tallHeight(h, nTall, len(rows)-nTall)
	first, last := visibleRows(rows, th, m.chartSel, h)
	out := make([]string, 0, h)
	for i := first; i < last; i++ {
		out = append(out, m.drawRow(rows[i], i, w, th, lay)...)
	}
	if hidden := len(rows) - last + first; hidden > 0 {
		more := fmt.Sprintf(" +%d more", hidden)
		if m.focus == paneCharts {
			more += " · j/k scroll"
		} else {
			more += " · tab, then j/k to scroll"
		}
		out = append(out[:min(len(out), h-1)], fit(m.styles.Muted.Render(more), w))
	}
	return exact(joinLines(out), w, h)
}

// sourceRow is the row to select for a wish to select row i, coming from direction dir:
// i itself, or when i is a section title the nearest source row past it in that direction
// (or before it, at the end). A section title is never selected: z and i act on a source.
func sourceRow(rows []chartRow, i, dir int) int {
	i = clamp(i, 0, len(rows)-1)
	if len(rows) == 0 || rows[i].section == "" {
		return i
	}
	step := 1
	if dir < 0 {
		step = -1
	}
	for _, s := range []int{step, -step} {
		for j := i + s; j >= 0 && j < len(rows); j += s {
			if rows[j].section == "" {
				return j
			}
		}
	}
	return i
}

// visibleRows is the range of rows drawn in h lines so that sel shows, keeping a line for
// "+N more" when not every row fits.
func visibleRows(rows []chartRow, th, sel, h int) (first, last int) {
	total := 0
	for _, r := range rows {
		total += r.height(th)
	}
	room := h
	if total > h {
		room = h - 1
	}
	fill := func(first int) int {
		used, l := 0, first
		for l < len(rows) && used+rows[l].height(th) <= room {
			used += rows[l].height(th)
			l++
		}
		return l
	}
	last = fill(0)
	for sel >= last && first < sel {
		first++
		last = fill(first)
	}
	return first, max(last, min(first+1, len(rows)))
}

// drawRow draws one row: a section title, a sparkline or a tall chart.
func (m *Model) drawRow(r chartRow, i, w, th int, lay widgets.SparkLayout) []string {
	step, end := m.columns(lay.Spark)
	if r.section != "" {
		return []string{m.sectionLine(r.section, w, i == 0)}
	}
	mark := " "
	if i == m.chartSel && m.focus == paneCharts {
		mark = m.styles.Accent.Render("▌")
	}
	if r.tall && th > 0 {
		n := widgets.TallPlotWidth(w - 1)
		tstep, tend, ahead := m.pageColumns(n)
		c := m.chart(r.source, []int{0}, n, tstep, tend)
		c.Ahead = ahead
		out := strings.Split(m.styles.TallChart(c, w-1, th, m.deps.Loc), "\n")
		for k := range out {
			out[k] = mark + out[k]
		}
		return out
	}
	return []string{mark + m.styles.SparkRow(m.sparkRow(r, lay.Spark, step, end), w-1)}
}

// columns returns the width of one chart column in wall time for n columns over the window
// (a step from steps) and the end of the newest column, aligned to that width so that
// columns only shift when a whole column of time has passed.
func (m *Model) columns(n int) (time.Duration, time.Time) {
	if n <= 0 {
		return time.Second, m.now
	}
	step := niceStep(m.span(), n)
	return step, m.now.Truncate(step).Add(step)
}

// pageColumns is columns for a tall chart: its n columns move a page (an eighth of the
// chart) at a time instead of one column a step, so between two pages only the newest
// column changes: a frame sends one cell per row of the chart, not the whole chart again.
// The step is the smallest that shows the whole window with a page to spare, so the chart
// always shows at least the window. ahead is how many columns are not over yet: the one
// holding now and the rest of the page, drawn blank.
func (m *Model) pageColumns(n int) (step time.Duration, end time.Time, ahead int) {
	if n < 16 {
		step, end = m.columns(n)
		return step, end, 1
	}
	page := n / 8
	step = niceStep(m.span(), n-page)
	p := time.Duration(page) * step
	end = m.now.Truncate(p).Add(p)
	return step, end, int((end.Sub(m.now) + step - 1) / step)
}

func (m *Model) sectionLine(title string, w int, first bool) string {
	st := m.styles
	left := st.Title.Render(" " + title)
	if m.focus == paneCharts && first {
		left = st.Accent.Render("▌") + st.Title.Render(title)
	}
	if !first {
		return fit(left, w)
	}
	right := m.windowLabel() + "  [ ] change"
	if c := m.sheet.CutoverAt; !c.IsZero() {
		right += " · ┃ cutover " + c.In(m.deps.Loc).Format("15:04")
	}
	return spread([]string{left, st.Muted.Render(right + " ")}, w)
}

// seriesLabel labels a named series (a Datadog group's tags such as "host:b", a replication
// channel) on the rows under its source's row: indented, by its own name alone, so that the
// source's name is read once and the series' rows differ where a label is cut.
func seriesLabel(name string) string { return "  " + name }

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
			row.Label = seriesLabel(se.Name)
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
	row.Ahead = 1 // the newest column holds now
	row.Quiet = widgets.QuietColumns(src.Interval, step)
	if c := m.sheet.CutoverAt; !c.IsZero() && c.Before(end) {
		if k := int(end.Sub(c) / step); k < n {
			row.CutoverCol = n - 1 - k
		}
	}
	m.annotate(&row, src, view)
	if r.series == 0 && row.Buckets == nil && m.groupHead(src) {
		row.Detail, row.Note = src.Detail, "" // "host:c (worst of 3)": the rows below are the groups
	}
	return row
}

// annotate sets the row's note: the error, the before/after verdict for metrics, or the
// source's detail. A row without a chart shows the error or detail in the chart's place
// and not again as its note.
func (m *Model) annotate(row *widgets.SparkRow, src board.SourceState, view *board.SeriesView) {
	row.Planned = src.Planned != ""
	switch {
	case src.Error != "":
		row.Note, row.NoteLevel = src.Error, widgets.Level(src.Status)
		if row.Buckets == nil {
			row.Detail, row.Note = src.Error, ""
		}
	case src.Group == sources.GroupMetric && view != nil && !m.sheet.CutoverAt.IsZero():
		row.Note, row.NoteLevel = m.verdict(src.Threshold.Below, view)
	default:
		row.Note = src.Detail
		if row.Buckets == nil {
			row.Detail, row.Note = src.Detail, ""
		}
	}
}

// medians are the series' medians over the window before the cutover and since it, and
// how many samples each holds; ok is false before there is an after.
func (m *Model) medians(view *board.SeriesView) (before, after float64, nAfter int, ok bool) {
	c := m.sheet.CutoverAt
	if c.IsZero() || view == nil {
		return 0, 0, 0, false
	}
	before, _, nb := view.Quantiles(c.Add(-m.span()), c)
	after, _, na := view.Quantiles(c, m.now.Add(time.Second))
	return before, after, na, nb > 0 && na > 0
}

// verdictSamples is how many samples since the cutover the board waits for before it
// judges it: the first ones are the cutover's own spike, and a median of two of them would
// call a good cutover a disaster ("▲146% after") for its first seconds.
const verdictSamples = 10

// verdict compares the median after the cutover with the median of the window before it:
// "▼18% after", green when it got better; "after: 4 of 10 samples" until there are enough.
func (m *Model) verdict(below bool, view *board.SeriesView) (string, widgets.Level) {
	before, after, n, ok := m.medians(view)
	switch {
	case !ok || before == 0:
		return "", widgets.LevelUnknown
	case n < verdictSamples:
		return fmt.Sprintf("after: %d of %d samples", n, verdictSamples), widgets.LevelUnknown
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
