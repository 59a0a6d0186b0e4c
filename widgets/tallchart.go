package widgets

import (
	"math"
	"time"

	"github.com/warroom-dev/warroom/board"
)

// minWhisker is how far (in eighths of a row) a column's worst point must be from its
// typical value to be drawn: closer, it is noise the bar already shows.
const minWhisker = 6

// Glyphs of a tall chart that are not bars.
const (
	whiskerCell     = "│" // the worst point of a column reaches this row (above the typical bar)
	whiskerHalfCell = "╷" // … reaches the lower half of this row
	dipCell         = "░" // lower is worse: the column's typical value, above its worst
	warnLineCell    = "┈"
	critLineCell    = "╌"
)

// TallChart renders the chart's first series (scaled to it alone) in exactly width cells and height lines: a
// title line (name, level glyph, latest value, the window's lowest and highest point, and
// after the cutover the medians before and after it with the verdict), the plot with its
// y-axis (min and max labels in the unit, and the thresholds' values where their faint lines
// are), and a time axis with clock labels in loc (nil means local time). Each column is a bar
// of its typical value at eighth-block resolution with a whisker (│) up to its worst point,
// so a spike shows at any window; the cutover is a column of its own (│) beside the data,
// never over it; a gap is · on the bottom row.
func (st *Styles) TallChart(c Chart, width, height int, loc *time.Location) string {
	return st.tallChart(c, width, height, loc, 1)
}

// tallChart is TallChart with up to titleLines lines of title: what does not fit whole on
// the first goes on the next (the zoom keeps its min, max and p95 so at 120 columns).
func (st *Styles) tallChart(c Chart, width, height int, loc *time.Location, titleLines int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	if loc == nil {
		loc = time.Local
	}
	if len(c.Series) > 1 {
		c.Series = c.Series[:1] // scaled to the series it draws
	}
	if height-titleLines-1 < 4 {
		titleLines = 1 // a second title line only where the plot keeps four rows
	}
	rows := st.chartTitle(c, width, titleLines)
	if ph := height - 1 - len(rows); ph >= 1 {
		p := newPlot(c, TallPlotWidth(width), ph)
		for r := 0; r < ph; r++ {
			rows = append(rows, st.plotRow(c, p, r, width))
		}
		rows = append(rows, st.timeAxis(p, width, loc))
	}
	if len(rows) > height {
		rows = rows[:height]
	}
	return frame(rows, width, height)
}

// plot is where a tall chart's columns go: right-aligned, newest last, the cutover marker
// inserted before the column that holds it.
type plot struct {
	w, h             int
	lo, hi           float64
	ok               bool
	cols             []plotCol // exactly w
	warnRow, critRow int       // -1 when the threshold is outside the scale
}

type plotKind int

const (
	colBlank plotKind = iota
	colData
	colMarker
)

type plotCol struct {
	kind  plotKind
	b     board.Bucket
	t     time.Time // the column's start
	open  bool      // not over yet (Chart.Ahead): blank while empty
	quiet bool      // empty between two polls (Chart.Interval): blank, not a gap
}

func newPlot(c Chart, w, h int) *plot {
	p := &plot{w: w, h: h, warnRow: -1, critRow: -1}
	p.lo, p.hi, p.ok = c.Scale()
	var bs []board.Bucket
	if len(c.Series) > 0 {
		bs = c.Series[0].Buckets
	}
	n, cut := len(bs), c.CutoverCol()
	d := w
	if cut >= 0 && cut >= n-w { // the cutover is in view: it takes a column of its own
		d = w - 1
	}
	s0 := max(0, n-d)
	quiet := quietRuns(bs, c.Ahead, QuietColumns(c.Interval, c.Step))
	for i := s0; i < n; i++ {
		if i == cut {
			p.cols = append(p.cols, plotCol{kind: colMarker})
		}
		p.cols = append(p.cols, plotCol{kind: colData, b: bs[i], t: c.Start.Add(time.Duration(i) * c.Step),
			open: i >= n-c.Ahead, quiet: quiet != nil && quiet[i]})
	}
	if len(p.cols) > w {
		p.cols = p.cols[len(p.cols)-w:]
	}
	p.cols = append(make([]plotCol, w-len(p.cols)), p.cols...)
	if p.ok {
		p.warnRow, p.critRow = p.row(c.Warn), p.row(c.Crit)
	}
	return p
}

// eighths is v's height in eighths of a row above the bottom of the plot.
func (p *plot) eighths(v float64) int {
	if p.hi <= p.lo {
		return 1
	}
	return clampInt(int(math.Round((v-p.lo)/(p.hi-p.lo)*float64(p.h*8))), 1, p.h*8)
}

// row is the plot row (0 at the top) a threshold's line is drawn in, -1 when off the scale.
func (p *plot) row(v *float64) int {
	if v == nil || *v < p.lo || *v > p.hi || p.hi <= p.lo {
		return -1
	}
	return clampInt(p.h-1-int((*v-p.lo)/(p.hi-p.lo)*float64(p.h)), 0, p.h-1)
}

// plotRow draws row r of the plot with its axis label.
func (st *Styles) plotRow(c Chart, p *plot, r, width int) string {
	ln := newLine(st, width, false)
	st.axisLabel(ln, c, p, r)
	thr := thresholds{warn: c.Warn, crit: c.Crit, below: c.Below}
	base := (p.h - 1 - r) * 8
	for _, col := range p.cols {
		s, pt := st.plotCell(c, p, col, base, thr)
		if s == "" {
			switch {
			case r == p.critRow:
				s, pt = critLineCell, pCritLine
			case r == p.warnRow:
				s, pt = warnLineCell, pWarnLine
			default:
				s, pt = " ", pPlain
			}
		}
		ln.raw(pt, s, 1)
	}
	return ln.finish(width)
}

// plotCell is one column's cell in the row whose bottom is base eighths up; "" when empty.
func (st *Styles) plotCell(c Chart, p *plot, col plotCol, base int, thr thresholds) (string, paintID) {
	switch col.kind {
	case colMarker:
		if c.Stale {
			return cutoverCell, pStale
		}
		return cutoverCell, pCutover
	case colBlank:
		return "", pPlain
	}
	if !valid(col.b) {
		if base == 0 && !col.open && !col.quiet {
			return gapCell, pMuted
		}
		return "", pPlain
	}
	paint := thr.paint(col.b)
	if c.Stale {
		paint = pStale
	}
	typ, worst := p.eighths(col.b.Avg), p.eighths(c.Worst(col.b))
	solid, over := typ, worst
	if c.Below {
		solid, over = worst, typ // solid up to the worst (lowest) point, shaded up to typical
	}
	switch k := solid - base; {
	case k >= 8:
		return st.cells[7], paint
	case k > 0:
		return st.cells[k-1], paint
	}
	if over-solid < minWhisker {
		return "", pPlain // worst and typical are close: the bar says it all
	}
	switch k := over - base; {
	case k > 0 && c.Below:
		return dipCell, paint
	case k >= 4:
		return whiskerCell, paint
	case k > 0:
		return whiskerHalfCell, paint
	}
	return "", pPlain
}

// axisLabel writes the y-axis of row r: the scale's max on the top row, its min on the
// bottom one, a threshold's value on its line's row in between. The max and min win over a
// threshold in their row: a spike's height is read there (a crit line in the top row of a
// short chart used to label it, and the spike's 1.6 s showed nowhere at 120 columns).
func (st *Styles) axisLabel(ln *line, c Chart, p *plot, r int) {
	label, lp := "", pMuted
	switch {
	case !p.ok:
	case r == 0:
		label = formatCompact(p.hi, c.Unit)
	case r == p.h-1:
		label = formatCompact(p.lo, c.Unit)
	case r == p.critRow && c.Crit != nil:
		label, lp = formatCompact(*c.Crit, c.Unit), pCrit
	case r == p.warnRow && c.Warn != nil:
		label, lp = formatCompact(*c.Warn, c.Unit), pWarn
	}
	ln.fit(lp, label, TallAxisWidth-2, true)
	ln.space(1)
	if label != "" {
		ln.raw(pMuted, "┤", 1)
	} else {
		ln.raw(pMuted, "│", 1)
	}
}

// timeAxis is the bottom line: clock labels (15:04 in loc) at columns whose start is a whole
// multiple of a tick spacing, at least 8 columns apart.
func (st *Styles) timeAxis(p *plot, width int, loc *time.Location) string {
	ln := newLine(st, width, false)
	ln.space(TallAxisWidth - 1)
	ln.raw(pMuted, "└", 1)
	var step time.Duration
	for i := 1; i < len(p.cols); i++ {
		if a, b := p.cols[i-1], p.cols[i]; a.kind == colData && b.kind == colData {
			step = b.t.Sub(a.t)
			break
		}
	}
	tick := clockTick(step, 8)
	format := "15:04"
	if tick < time.Minute {
		format = "15:04:05"
	}
	next := 0
	for x := 0; x < len(p.cols); {
		col := p.cols[x]
		if col.kind == colData && x >= next && step > 0 && col.t.UnixNano()%int64(tick) == 0 {
			label := col.t.In(loc).Format(format)
			if x+len(label) <= len(p.cols) {
				ln.raw(pMuted, label, len(label))
				x += len(label)
				next = x + 2
				continue
			}
		}
		ln.space(1)
		x++
	}
	return ln.finish(width)
}

// chartTitle is a tall chart's title in at most lines lines: name, level glyph and latest
// value, then the rest by importance, each part only where it fits whole — on the first
// line, or else on the next.
func (st *Styles) chartTitle(c Chart, width, lines int) []string {
	ln := newLine(st, width, false)
	put := func(ln *line, p paintID, s string) {
		if s = truncate(s, width-ln.w); s != "" {
			ln.raw(p, s, textWidth(s))
		}
	}
	tp, gp, vp := pTitle, levelPaint(c.Level), levelPaint(c.Level)
	glyph := Glyph(c.Level)
	if c.Level == LevelOK {
		vp = pText
	}
	if c.Stale {
		tp, gp, vp, glyph = pStale, pStale, pStale, StaleGlyph
	}
	put(ln, tp, truncate(clean(c.Title), 28))
	put(ln, pPlain, "  ")
	put(ln, gp, glyph)
	val := "–"
	var s ChartSeries
	if len(c.Series) > 0 {
		s = c.Series[0]
	}
	if s.Value != nil {
		val = formatValue(*s.Value, clean(c.Unit), " ")
	}
	put(ln, vp, " "+val)
	// The rest by importance: the verdict and the medians before and after the cutover,
	// then the window's range, then its p95.
	np := pMuted
	if c.NoteLevel != LevelUnknown {
		np = levelPaint(c.NoteLevel)
	}
	type part struct {
		p paintID
		s string
	}
	parts := []part{{np, clean(c.Note)}}
	if c.Before != nil && c.After != nil {
		parts = append(parts, part{pMuted, "median " + FormatValue(*c.Before, c.Unit) + " → " + FormatValue(*c.After, c.Unit)})
	}
	if lo, hi, ok := s.WindowStats(); ok {
		parts = append(parts, part{pMuted, "▾" + formatCompact(lo, c.Unit) + " ▴" + formatCompact(hi, c.Unit)})
	}
	if s.P95 != nil {
		parts = append(parts, part{pMuted, "p95 " + formatCompact(*s.P95, c.Unit)})
	}
	var rest []part
	for _, pt := range parts {
		switch {
		case pt.s == "":
		case ln.w+3+textWidth(pt.s) <= width:
			put(ln, pPlain, "   ")
			put(ln, pt.p, pt.s)
		default:
			rest = append(rest, pt)
		}
	}
	out := []string{ln.finish(width)}
	if lines < 2 || len(rest) == 0 {
		return out
	}
	next := newLine(st, width, false)
	next.space(min(2, width))
	for _, pt := range rest {
		if pad := min(3, next.w-2); next.w+pad+textWidth(pt.s) <= width {
			put(next, pPlain, spaces(pad))
			put(next, pt.p, pt.s)
		}
	}
	if next.w > 2 {
		out = append(out, next.finish(width))
	}
	return out
}
