package widgets

import (
	"math"
	"time"

	"github.com/warroom-dev/warroom/board"
)

// Chart is one time chart's data, whatever draws it: TallChart draws it in terminal cells,
// an SVG renderer can take the same value. Columns are Step wide and aligned to wall time:
// column i covers [Start+i·Step, Start+(i+1)·Step), so only the newest column changes until a
// whole step has passed. Each column keeps its typical value (the bucket's average) and its
// worst point (the maximum, or the minimum when Below), so a one-sample spike is never
// averaged away at any window.
type Chart struct {
	Title  string
	Unit   string
	Start  time.Time
	Step   time.Duration
	Series []ChartSeries // the first is the source's main series
	// Warn and Crit are the thresholds, drawn as faint lines; Below: lower is worse.
	Warn, Crit *float64
	Below      bool
	// Ahead is how many of the newest columns are not over yet: the one holding now and, on
	// a chart whose columns move a page at a time, those after it. An empty one is drawn
	// blank, not as a gap: no data yet is not missing data.
	Ahead int
	// Interval is how often the source is polled: an empty run of columns shorter than two
	// intervals between samples is drawn blank, not as a gap (QuietColumns). Zero: unknown.
	Interval time.Duration
	// Cutover is the cutover moment; zero when there is none.
	Cutover time.Time
	// Before and After are the medians of the window before the cutover and since it; both
	// nil until there is an after.
	Before, After *float64
	Level         Level // the source's verdict
	Stale         bool  // the source stopped answering: drawn muted
	Note          string
	NoteLevel     Level
}

// ChartSeries is one line of a chart.
type ChartSeries struct {
	Name    string
	Buckets []board.Bucket // one per column, oldest first; N == 0 is a gap
	Level   Level
	Value   *float64 // the latest value
	P95     *float64 // the 95th percentile in the window, when known
}

// Columns is the number of columns of the chart.
func (c Chart) Columns() int {
	if len(c.Series) == 0 {
		return 0
	}
	return len(c.Series[0].Buckets)
}

// End is the end of the newest column.
func (c Chart) End() time.Time { return c.Start.Add(time.Duration(c.Columns()) * c.Step) }

// CutoverCol is the column the cutover falls in, or -1 when it is not in the window.
func (c Chart) CutoverCol() int {
	if c.Cutover.IsZero() || c.Step <= 0 || c.Cutover.Before(c.Start) || !c.Cutover.Before(c.End()) {
		return -1
	}
	return int(c.Cutover.Sub(c.Start) / c.Step)
}

// Worst is a column's worst point: its maximum, or its minimum when lower is worse.
func (c Chart) Worst(b board.Bucket) float64 {
	if c.Below {
		return b.Min
	}
	return b.Max
}

// Scale is the vertical range of the chart over every series' typical and worst values,
// widened around its middle to at least minSpan of the values' magnitude (0 to 1 when every
// value is 0, so a count without errors never shows a negative axis); ok is false without data.
func (c Chart) Scale() (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for _, b := range s.Buckets {
			if !valid(b) {
				continue
			}
			lo, hi = min(lo, b.Avg, b.Min), max(hi, b.Avg, b.Max)
		}
	}
	if math.IsInf(lo, 0) {
		return 0, 0, false
	}
	span := minSpan * math.Max(math.Abs(lo), math.Abs(hi))
	if span == 0 {
		return 0, 1, true // all zero (no errors yet): a line on the floor of a 0–1 scale, not -0.5 to 0.5
	}
	if hi-lo < span {
		mid := lo/2 + hi/2
		lo, hi = mid-span/2, mid+span/2
	}
	return lo, hi, true
}

// WindowStats is the lowest and highest point of the series in the window.
func (s ChartSeries) WindowStats() (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, b := range s.Buckets {
		if valid(b) {
			lo, hi, ok = min(lo, b.Min), max(hi, b.Max), true
		}
	}
	return lo, hi, ok
}

func valid(b board.Bucket) bool {
	return b.N > 0 && !math.IsNaN(b.Avg) && !math.IsInf(b.Avg, 0) && !math.IsNaN(b.Max) && !math.IsNaN(b.Min)
}

// TallAxisWidth is the width of a tall chart's y-axis: its labels and the axis line.
const TallAxisWidth = 8

// TallPlotWidth is how many columns (buckets) a tall chart of width cells draws.
func TallPlotWidth(width int) int { return max(0, width-TallAxisWidth) }

// MinTallHeight is the fewest lines a tall chart is drawn in: a title, two plot rows and the
// time axis.
const MinTallHeight = 5

// clockTicks are the spacings of a time axis' clock labels.
var clockTicks = []time.Duration{10 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute,
	5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour,
	3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}

// clockTick is the smallest label spacing that leaves at least minCols columns between two
// labels.
func clockTick(step time.Duration, minCols int) time.Duration {
	for _, t := range clockTicks {
		if step > 0 && t%step == 0 && int(t/step) >= minCols {
			return t
		}
	}
	for _, t := range clockTicks {
		if step > 0 && int(t/step) >= minCols {
			return t
		}
	}
	return 24 * time.Hour
}
