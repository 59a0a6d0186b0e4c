package widgets

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SVGChart is a time-series chart drawn as a self-contained SVG document: x (time) and y
// axes with labels, lines with gaps for nulls, min–max bands, threshold lines, vertical
// markers (the cutover, checkpoints) and a legend. It is pure: the same data gives the same
// string, with no script, no font file and nothing fetched. The report and the web board
// draw with it.
type SVGChart struct {
	Title         string
	Width, Height int    // pixels; 0 means 800 × 260
	Unit          string // the y values' unit: labels read "500 ms", "2.1 s"
	// Start and End bound the x axis; zero takes the data's first and last time.
	Start, End time.Time
	// YMin and YMax, when set, fix the y range; otherwise it is 0 (or the lowest value, if
	// negative) to a little above the highest value, bands and thresholds included.
	YMin, YMax *float64
	Lines      []SVGLine
	Bands      []SVGBand
	Thresholds []SVGThreshold
	Markers    []SVGMarker
	Loc        *time.Location // time zone of the x labels; nil is UTC
}

// SVGPoint is one value at one time; Null (or a NaN value) is a gap in the line.
type SVGPoint struct {
	Time  time.Time
	Value float64
	Null  bool
}

// SVGLine is one series drawn as a line. Color is any SVG colour; "" takes the palette's.
type SVGLine struct {
	Name   string
	Color  string
	Points []SVGPoint // oldest first
}

// SVGBandPoint is a band's extent at one time (a coarse bucket's min and max).
type SVGBandPoint struct {
	Time   time.Time
	Lo, Hi float64
}

// SVGBand is a shaded area between Lo and Hi, drawn under the lines.
type SVGBand struct {
	Name   string
	Color  string
	Points []SVGBandPoint // oldest first
}

// SVGThreshold is a horizontal line at a value (warn, crit).
type SVGThreshold struct {
	Label string
	Value float64
	Color string
}

// SVGMarker is a vertical line at a time (the cutover, a checkpoint).
type SVGMarker struct {
	Label  string
	Time   time.Time
	Color  string
	Strong bool // solid and thicker (the cutover); otherwise dashed
}

// svgPalette colours lines without a colour of their own.
var svgPalette = []string{"#2563eb", "#d97706", "#059669", "#7c3aed", "#dc2626", "#0891b2", "#db2777", "#4b5563"}

// Margins of the plot area inside the SVG, in pixels.
const (
	svgLeft, svgRight, svgTop, svgBottom = 64, 16, 34, 40
)

// svgFrame maps data to pixels.
type svgFrame struct {
	x0, x1     float64 // plot area, pixels
	y0, y1     float64 // top, bottom
	t0, t1     time.Time
	vmin, vmax float64
}

func (f svgFrame) x(t time.Time) float64 {
	span := f.t1.Sub(f.t0).Seconds()
	if span <= 0 {
		return f.x0
	}
	return f.x0 + (f.x1-f.x0)*t.Sub(f.t0).Seconds()/span
}

func (f svgFrame) y(v float64) float64 {
	if f.vmax <= f.vmin {
		return f.y1
	}
	return f.y1 - (f.y1-f.y0)*(v-f.vmin)/(f.vmax-f.vmin)
}

// Render returns the chart as an SVG element (with its xmlns, so it also stands alone as a
// .svg file).
func (c SVGChart) Render() string {
	w, h := c.Width, c.Height
	if w <= 0 {
		w = 800
	}
	if h <= 0 {
		h = 260
	}
	f := c.frame(w, h)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`, w, h, w, h)
	b.WriteString("\n")
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", w, h)
	if c.Title != "" {
		fmt.Fprintf(&b, `<text x="%d" y="16" font-size="13" font-weight="bold" fill="#111827">%s</text>`+"\n", svgLeft, svgEsc(c.Title))
	}
	c.axes(&b, f)
	if f.t1.After(f.t0) {
		fmt.Fprintf(&b, `<clipPath id="%s"><rect x="%s" y="%s" width="%s" height="%s"/></clipPath>`+"\n",
			c.clipID(), svgNum(f.x0), svgNum(f.y0), svgNum(f.x1-f.x0), svgNum(f.y1-f.y0))
		fmt.Fprintf(&b, `<g clip-path="url(#%s)">`+"\n", c.clipID())
		c.bands(&b, f)
		c.thresholds(&b, f)
		c.lines(&b, f)
		b.WriteString("</g>\n")
		c.markers(&b, f)
	} else {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="#6b7280">no data</text>`+"\n", svgNum((f.x0+f.x1)/2), svgNum((f.y0+f.y1)/2))
	}
	c.legend(&b, w)
	b.WriteString("</svg>\n")
	return b.String()
}

// clipID is an id unique to this chart's content, so several charts inline in one page do
// not share a clip path.
func (c SVGChart) clipID() string {
	h := uint32(2166136261)
	for _, s := range []string{c.Title, c.Unit, strconv.Itoa(len(c.Lines))} {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint32(s[i])) * 16777619
		}
	}
	for _, l := range c.Lines {
		h = (h ^ uint32(len(l.Points))) * 16777619
	}
	return "plot" + strconv.FormatUint(uint64(h), 36)
}

// frame works out the x and y ranges.
func (c SVGChart) frame(w, h int) svgFrame {
	f := svgFrame{x0: svgLeft, x1: float64(w - svgRight), y0: svgTop, y1: float64(h - svgBottom)}
	f.t0, f.t1 = c.Start, c.End
	lo, hi := math.Inf(1), math.Inf(-1)
	see := func(t time.Time, vs ...float64) {
		if c.Start.IsZero() && (f.t0.IsZero() || t.Before(f.t0)) {
			f.t0 = t
		}
		if c.End.IsZero() && t.After(f.t1) {
			f.t1 = t
		}
		for _, v := range vs {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	for _, l := range c.Lines {
		for _, p := range l.Points {
			if p.Null || math.IsNaN(p.Value) {
				see(p.Time)
				continue
			}
			see(p.Time, p.Value)
		}
	}
	for _, bd := range c.Bands {
		for _, p := range bd.Points {
			see(p.Time, p.Lo, p.Hi)
		}
	}
	for _, th := range c.Thresholds {
		lo, hi = math.Min(lo, th.Value), math.Max(hi, th.Value)
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	lo = math.Min(lo, 0)
	if c.YMin != nil {
		lo = *c.YMin
	}
	if c.YMax != nil {
		hi = *c.YMax
	} else {
		hi = niceCeil(hi + (hi-lo)*0.05)
	}
	if hi <= lo {
		hi = lo + 1
	}
	f.vmin, f.vmax = lo, hi
	return f
}

// niceCeil rounds v up to 1, 2, 2.5 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return v
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p*1.0000001 {
			return m * p
		}
	}
	return 10 * p
}

// yTicks returns about n round values from lo to hi.
func yTicks(lo, hi float64, n int) []float64 {
	step := niceCeil((hi - lo) / float64(n))
	if step <= 0 || math.IsNaN(step) {
		return []float64{lo}
	}
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

// timeSteps are the x tick spacings, smallest first.
var timeSteps = []time.Duration{time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second,
	30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute,
	30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}

// xTicks returns tick times at a round spacing giving at most n ticks.
func xTicks(t0, t1 time.Time, n int, loc *time.Location) ([]time.Time, time.Duration) {
	span := t1.Sub(t0)
	step := timeSteps[len(timeSteps)-1]
	for _, s := range timeSteps {
		if span/s <= time.Duration(n) {
			step = s
			break
		}
	}
	_, off := t0.In(loc).Zone()
	shift := time.Duration(off) * time.Second
	first := t0.Add(shift).Truncate(step).Add(-shift)
	if first.Before(t0) {
		first = first.Add(step)
	}
	var out []time.Time
	for t := first; !t.After(t1); t = t.Add(step) {
		out = append(out, t)
	}
	return out, step
}

func (c SVGChart) axes(b *strings.Builder, f svgFrame) {
	loc := c.Loc
	if loc == nil {
		loc = time.UTC
	}
	for _, v := range yTicks(f.vmin, f.vmax, 5) {
		y := f.y(v)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e5e7eb"/>`, svgNum(f.x0), svgNum(y), svgNum(f.x1), svgNum(y))
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end" fill="#374151">%s</text>`+"\n", svgNum(f.x0-6), svgNum(y+4), svgEsc(FormatValue(v, c.Unit)))
	}
	if f.t1.After(f.t0) {
		ticks, step := xTicks(f.t0, f.t1, int((f.x1-f.x0)/90), loc)
		layout := "15:04"
		if step < time.Minute {
			layout = "15:04:05"
		}
		for _, t := range ticks {
			x := f.x(t)
			fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#f3f4f6"/>`, svgNum(x), svgNum(f.y0), svgNum(x), svgNum(f.y1))
			fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" fill="#374151">%s</text>`+"\n", svgNum(x), svgNum(f.y1+16), t.In(loc).Format(layout))
		}
		zone := f.t0.In(loc).Format("MST")
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end" fill="#6b7280">%s</text>`+"\n", svgNum(f.x1), svgNum(f.y1+32), svgEsc(zone))
	}
	fmt.Fprintf(b, `<path d="M%s %sV%sH%s" fill="none" stroke="#6b7280"/>`+"\n", svgNum(f.x0), svgNum(f.y0), svgNum(f.y1), svgNum(f.x1))
}

func (c SVGChart) bands(b *strings.Builder, f svgFrame) {
	for i, bd := range c.Bands {
		if len(bd.Points) == 0 {
			continue
		}
		pts := append([]SVGBandPoint(nil), bd.Points...)
		sort.SliceStable(pts, func(a, b int) bool { return pts[a].Time.Before(pts[b].Time) })
		var d strings.Builder
		for k, p := range pts {
			cmd := "L"
			if k == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&d, "%s%s %s", cmd, svgNum(f.x(p.Time)), svgNum(f.y(p.Hi)))
		}
		for k := len(pts) - 1; k >= 0; k-- {
			fmt.Fprintf(&d, "L%s %s", svgNum(f.x(pts[k].Time)), svgNum(f.y(pts[k].Lo)))
		}
		fmt.Fprintf(b, `<path d="%sZ" fill="%s" fill-opacity="0.18" stroke="none"/>`+"\n", d.String(), svgColor(bd.Color, i))
	}
}

func (c SVGChart) thresholds(b *strings.Builder, f svgFrame) {
	for _, th := range c.Thresholds {
		y := f.y(th.Value)
		col := th.Color
		if col == "" {
			col = "#dc2626"
		}
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-dasharray="6 4"/>`, svgNum(f.x0), svgNum(y), svgNum(f.x1), svgNum(y), svgEsc(col))
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end" fill="%s">%s</text>`+"\n", svgNum(f.x1-4), svgNum(y-3), svgEsc(col), svgEsc(th.Label))
	}
}

// lines draws each line as one path; a null starts a new segment. More points than pixel
// columns are thinned to each column's first, lowest, highest and last value, which draws
// the same picture (spikes included) in a fraction of the bytes.
func (c SVGChart) lines(b *strings.Builder, f svgFrame) {
	for i, l := range c.Lines {
		var d strings.Builder
		pen := false
		for _, p := range thin(l.Points, f) {
			if p.Null || math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd, pen = "M", true
			}
			fmt.Fprintf(&d, "%s%s %s", cmd, svgNum(f.x(p.Time)), svgNum(f.y(p.Value)))
		}
		if d.Len() > 0 {
			fmt.Fprintf(b, `<path d="%s" fill="none" stroke="%s" stroke-width="1.5" stroke-linejoin="round"/>`+"\n", d.String(), svgColor(l.Color, i))
		}
	}
}

// thin keeps, per pixel column, the first, lowest, highest and last point (nulls always).
func thin(pts []SVGPoint, f svgFrame) []SVGPoint {
	cols := int(f.x1 - f.x0)
	if len(pts) <= 4*cols || cols <= 0 {
		return pts
	}
	out := make([]SVGPoint, 0, 4*cols+16)
	start, col := 0, -1
	flush := func(end int) {
		seg := pts[start:end]
		if len(seg) == 0 {
			return
		}
		lo, hi := 0, 0
		for k, p := range seg {
			if p.Value < seg[lo].Value {
				lo = k
			}
			if p.Value > seg[hi].Value {
				hi = k
			}
		}
		keep := []int{0, lo, hi, len(seg) - 1}
		sort.Ints(keep)
		for k, idx := range keep {
			if k == 0 || idx != keep[k-1] {
				out = append(out, seg[idx])
			}
		}
	}
	for k, p := range pts {
		if p.Null || math.IsNaN(p.Value) {
			flush(k)
			out = append(out, p)
			start, col = k+1, -1
			continue
		}
		cc := int(f.x(p.Time) - f.x0)
		if cc != col {
			flush(k)
			start, col = k, cc
		}
	}
	flush(len(pts))
	return out
}

func (c SVGChart) markers(b *strings.Builder, f svgFrame) {
	for i, m := range c.Markers {
		if m.Time.Before(f.t0) || m.Time.After(f.t1) {
			continue
		}
		x := f.x(m.Time)
		col := m.Color
		if col == "" {
			col = "#6b7280"
		}
		style := `stroke-dasharray="3 3"`
		if m.Strong {
			style = `stroke-width="2"`
		}
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" %s/>`, svgNum(x), svgNum(f.y0), svgNum(x), svgNum(f.y1), svgEsc(col), style)
		y := f.y0 + 10 + float64(i%3)*11 // stagger labels of close markers
		fmt.Fprintf(b, `<text x="%s" y="%s" fill="%s" font-size="10">%s</text>`+"\n", svgNum(x+3), svgNum(y), svgEsc(col), svgEsc(m.Label))
	}
}

func (c SVGChart) legend(b *strings.Builder, w int) {
	x := float64(w - svgRight)
	type item struct{ name, col, opacity string }
	var items []item
	for i, l := range c.Lines {
		if l.Name != "" {
			items = append(items, item{l.Name, svgColor(l.Color, i), "1"})
		}
	}
	for i, bd := range c.Bands {
		if bd.Name != "" {
			items = append(items, item{bd.Name, svgColor(bd.Color, i), "0.3"})
		}
	}
	for k := len(items) - 1; k >= 0; k-- {
		x -= float64(len([]rune(items[k].name)))*6.2 + 26
		fmt.Fprintf(b, `<rect x="%s" y="8" width="12" height="8" fill="%s" fill-opacity="%s"/><text x="%s" y="16" fill="#111827">%s</text>`+"\n",
			svgNum(x), items[k].col, items[k].opacity, svgNum(x+16), svgEsc(items[k].name))
	}
}

func svgColor(c string, i int) string {
	if c != "" {
		return svgEsc(c)
	}
	return svgPalette[i%len(svgPalette)]
}

// esc makes text safe inside SVG (XML) text and attributes, control characters removed.
func svgEsc(s string) string { return html.EscapeString(Sanitize(s)) }

// num writes a pixel coordinate with at most one decimal.
func svgNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}
