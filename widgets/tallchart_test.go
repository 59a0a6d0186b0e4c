package widgets

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/warroom-dev/warroom/board"
)

// chartFixture is the app p95 row of the story as a Chart of n columns of 30 s ending at
// fixtureNow, with the cutover at 7/10 of the window.
func chartFixture(n int) Chart {
	step := 30 * time.Second
	end := fixtureNow.Truncate(step).Add(step)
	start := end.Add(-time.Duration(n) * step)
	r := sparkRows(n)[0]
	c := Chart{Title: r.Label, Unit: r.Unit, Start: start, Step: step, Warn: r.Warn, Crit: r.Crit,
		Cutover: start.Add(time.Duration(n*7/10)*step + 10*time.Second), Before: ptr(511), After: ptr(420),
		Level: LevelOK, Note: "▼18% after", NoteLevel: LevelOK,
		Series: []ChartSeries{{Name: "app p95", Buckets: r.Buckets, Level: LevelOK, Value: ptr(412), P95: ptr(2100)}}}
	web := sparkRows(n)[1]
	c.Series = append(c.Series, ChartSeries{Name: "app p95 web-2", Buckets: web.Buckets, Level: LevelWarn, Value: ptr(2.1)})
	return c
}

func zoomFixture(n int) Zoom {
	return Zoom{Head: " app p95 · datadog · ok · last answer 02:41:05 · 1h window · esc returns", HeadLevel: LevelOK,
		Chart: chartFixture(n), Facts: []Fact{{"query", "p95:trace.rack.request{service:market}"},
			{"points", "300"}, {"last point at", "02:41:05"}, {"series count", "2"}, {"rate limit remaining", "287 of 300"},
			{"error", "–"}}}
}

// TestGoldenTall renders tall charts and the zoom at the screen sizes 80×24, 120×40 and
// 200×60 in every look. Update with: go test ./widgets -run TestGoldenTall -update
func TestGoldenTall(t *testing.T) {
	for _, v := range variants {
		st := NewStyles(v.theme, v.noColor)
		for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
			w, h := size[0], size[1]
			c := chartFixture(TallPlotWidth(w))
			tall := st.TallChart(c, w, max(MinTallHeight, h/3), fixtureLoc)
			zoom := st.Zoom(zoomFixture(TallPlotWidth(w)), w, h-6, fixtureLoc)
			for name, out := range map[string]string{"tall": tall, "zoom": zoom} {
				lines := max(MinTallHeight, h/3)
				if name == "zoom" {
					lines = h - 6
				}
				requireShape(t, name, out, w, lines)
				requireSafe(t, name, out)
				t.Run(fmt.Sprintf("%s/%s/%dx%d", name, v.name, w, h), func(t *testing.T) {
					golden.RequireEqual(t, out)
				})
				if v.name == "dark" {
					t.Run(fmt.Sprintf("%s/plain/%dx%d", name, w, h), func(t *testing.T) {
						golden.RequireEqual(t, ansi.Strip(out))
					})
				}
			}
		}
	}
}

// tallCells returns the plot cells of a tall chart (without the axis), row by row.
func tallCells(out string) [][]string {
	var rows [][]string
	ls := strings.Split(ansi.Strip(out), "\n")
	for _, l := range ls[1 : len(ls)-1] {
		r := []rune(l)
		var cells []string
		for _, c := range r[TallAxisWidth:] {
			cells = append(cells, string(c))
		}
		rows = append(rows, cells)
	}
	return rows
}

// A one-sample spike in a column of hundreds reaches the top row as a whisker over a low
// typical bar; the cutover takes a column of its own just before the column that holds it.
func TestTallChartSpikeAndCutover(t *testing.T) {
	st := NewStyles(Dark(), true)
	n := TallPlotWidth(60)
	step := time.Minute
	start := fixtureNow.Truncate(step).Add(-time.Duration(n-1) * step)
	bs := make([]board.Bucket, n)
	for i := range bs {
		bs[i] = board.Bucket{Min: 400, Max: 430, Avg: 410, N: 240}
	}
	bs[20] = board.Bucket{Min: 400, Max: 1600, Avg: 415, N: 240}
	bs[40] = board.Bucket{Min: 1500, Max: 1700, Avg: 1600, N: 240} // the spike at the cutover
	c := Chart{Title: "app p95", Unit: "ms", Start: start, Step: step, Cutover: start.Add(40*step + time.Second),
		Series: []ChartSeries{{Buckets: bs}}}
	out := st.TallChart(c, 60, 10, time.UTC)
	requireShape(t, "tall", out, 60, 10)
	cells := tallCells(out)
	// With the marker, the oldest column is dropped: column i is drawn at i-1 before it.
	if got := cells[0][19]; got != whiskerCell && got != whiskerHalfCell {
		t.Fatalf("the spike's column shows %q on the top row, want the whisker:\n%s", got, ansi.Strip(out))
	}
	if got := cells[len(cells)-1][19]; got == " " || got == whiskerCell {
		t.Fatalf("the spike's column has no typical bar at the bottom: %q", got)
	}
	for r := range cells {
		if cells[r][39] != cutoverCell {
			t.Fatalf("row %d: the cutover marker is not in its own column (%q):\n%s", r, cells[r][39], ansi.Strip(out))
		}
	}
	if got := cells[1][40]; got != "█" {
		t.Fatalf("the cutover column's spike is not drawn beside the marker: %q\n%s", got, ansi.Strip(out))
	}
	if !strings.Contains(ansi.Strip(out), "1.7s ┤") || !strings.Contains(ansi.Strip(out), "400ms ┤") {
		t.Fatalf("the y-axis must label the max and min in the unit:\n%s", ansi.Strip(out))
	}
	if !strings.Contains(strings.Split(ansi.Strip(out), "\n")[9], ":") {
		t.Fatalf("no clock labels on the time axis:\n%s", ansi.Strip(out))
	}
}

// Thresholds within the scale are faint lines with their value on the axis.
func TestTallChartThresholds(t *testing.T) {
	st := NewStyles(Dark(), true)
	n := TallPlotWidth(50)
	c := chartFixture(n)
	out := ansi.Strip(st.TallChart(c, 50, 16, time.UTC))
	if !strings.Contains(out, "800ms ┤"+warnLineCell) || !strings.Contains(out, "1.5s ┤"+critLineCell) {
		t.Fatalf("warn and crit lines with their values:\n%s", out)
	}
}

// Columns not over yet (Chart.Ahead, SparkRow.Ahead) are blank while empty: no data yet is
// not a gap. A gap in a column that is over still shows as ·.
func TestColumnsAheadAreBlankNotGaps(t *testing.T) {
	st := NewStyles(Dark(), true)
	c := chartFixture(40)
	c.Cutover = time.Time{}
	bs := append([]board.Bucket(nil), c.Series[0].Buckets...)
	for i := 30; i < 40; i++ {
		bs[i] = board.Bucket{} // the rest of the page: empty
	}
	bs[10] = board.Bucket{} // a real gap
	c.Series = []ChartSeries{{Name: "app p95", Buckets: bs, Level: LevelOK, Value: ptr(412)}}
	c.Ahead = 10
	lines := strings.Split(ansi.Strip(st.TallChart(c, 48, 8, fixtureLoc)), "\n")
	bottom := []rune(lines[len(lines)-2])[TallAxisWidth:]
	if bottom[10] != '·' {
		t.Errorf("a gap in a column that is over must show as ·: %q", string(bottom))
	}
	if got := string(bottom[30:]); got != strings.Repeat(" ", 10) {
		t.Errorf("columns ahead must be blank, got %q", got)
	}
	r := sparkRows(40)[0]
	r.Buckets = append([]board.Bucket(nil), r.Buckets...)
	r.Buckets[39], r.Buckets[20] = board.Bucket{}, board.Bucket{}
	r.CutoverCol, r.Ahead = -1, 1
	row := []rune(ansi.Strip(st.SparkRow(r, 100)))
	lay := NewSparkLayout(100)
	spark := string(row[lay.SparkAt() : lay.SparkAt()+lay.Spark])
	if !strings.HasSuffix(spark, " ") {
		t.Errorf("the newest, empty column must be blank: %q", spark)
	}
	if strings.Count(spark, "·") < 1 {
		t.Errorf("the gap must still show: %q", spark)
	}
}
