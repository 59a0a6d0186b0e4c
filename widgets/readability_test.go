package widgets

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/warroom-dev/warroom/board"
)

// A count that has been 0 the whole window (checkout errors before the cutover) is drawn on
// a 0–1 scale: its axis used to read "0.5" over "-0.5", a negative number of errors.
func TestAllZeroChartHasNoNegativeAxis(t *testing.T) {
	st := NewStyles(Dark(), false)
	bs := make([]board.Bucket, 40)
	for i := range bs {
		bs[i] = board.Bucket{N: 3}
	}
	c := Chart{Title: "checkout errors", Start: fixtureNow.Add(-40 * time.Second), Step: time.Second,
		Series: []ChartSeries{{Name: "checkout errors", Buckets: bs, Value: ptr(0)}}}
	if lo, hi, _ := c.Scale(); lo != 0 || hi != 1 {
		t.Fatalf("scale of an all-zero series is %v..%v, want 0..1", lo, hi)
	}
	out := ansi.Strip(st.TallChart(c, TallAxisWidth+40, 8, fixtureLoc))
	if strings.Contains(out, "-0.5") || strings.Contains(out, " 0.5 ┤") {
		t.Fatalf("an all-zero chart must not have a ±0.5 axis:\n%s", out)
	}
	lines := strings.Split(out, "\n")
	if bottom := lines[len(lines)-2]; !strings.Contains(bottom, "0 ┤▁▁▁") {
		t.Fatalf("the zeros must lie on the floor labelled 0:\n%s", out)
	}
}

// A note cut to its column keeps whole leading parts, the most useful first, instead of
// ending mid-word ("5.5 s lag · h…", "planned: main…" on the demo's board at 80 and 200
// columns).
func TestNoteSaysTheMostUsefulThingFirst(t *testing.T) {
	for _, tc := range []struct {
		note string
		w    int
		want string
	}{
		{"4.0 s lag · heartbeat", 14, "4.0 s lag …"},
		{"4.0 s lag · heartbeat", 21, "4.0 s lag · heartbeat"},
		{"planned: maintenance ✓ · 503 maintenance", 22, "planned: maintenance ✓"},
		{"planned: maintenance ✓ · 503 maintenance", 32, "planned: maintenance ✓ …"},
		{"203.0.113.10  new side  TTL 60", 14, "203.0.113.10 …"},
		{"203.0.113.10  new side  TTL 60", 26, "203.0.113.10  new side …"},
		{"status 503, expected 200", 14, "status 503 …"},
		{"aws-1 70% · aws-2 30%", 14, "aws-1 70% …"},
		{"unreachable-host-name", 10, "unreachab…"}, // one part too long: cut as any text
	} {
		if got := cutNote(tc.note, tc.w); got != tc.want {
			t.Errorf("cutNote(%q, %d) = %q, want %q", tc.note, tc.w, got, tc.want)
		}
	}
}

// The note column takes the room a wide pane has: on a 200-column board (charts pane 111
// cells) a DNS answer, its side and TTL show whole; at 160 (88 cells) a replica's lag and
// its source do; at 80 the chart keeps its 20 cells.
func TestNoteColumnGetsTheRoomThereIs(t *testing.T) {
	st := NewStyles(Dark(), true)
	for _, tc := range []struct {
		width      int
		note, want string
		minSpark   int
	}{
		{111, "203.0.113.10  new side  TTL 60", "203.0.113.10  new side  TTL 60", 30},
		{88, "4.0 s lag · heartbeat", "4.0 s lag · heartbeat", 20},
		{88, "planned: maintenance ✓ · 503 maintenance", "planned: maintenance ✓", 20},
		{79, "4.0 s lag · heartbeat", "4.0 s lag …", 20},
	} {
		lay := NewSparkLayout(tc.width)
		if lay.Spark < tc.minSpark {
			t.Errorf("at %d cells the chart has %d cells, want at least %d", tc.width, lay.Spark, tc.minSpark)
		}
		v := 4.0
		row := ansi.Strip(st.SparkRow(SparkRow{Label: "cloud-writer", Value: &v, Unit: "s", CutoverCol: -1,
			Buckets: []board.Bucket{{Min: 4, Max: 4, Avg: 4, N: 1}}, Note: tc.note}, tc.width))
		if got := strings.TrimSpace(string([]rune(row)[tc.width-lay.Note:])); got != tc.want {
			t.Errorf("at %d cells the note reads %q, want %q", tc.width, got, tc.want)
		}
	}
}

// At 120 columns (a charts pane of 66 cells) a label of 16 cells shows whole: the DNS row
// read "market.examp…", losing the record type.
func TestLabelWholeAt120Columns(t *testing.T) {
	st := NewStyles(Dark(), true)
	v := 1.5
	row := ansi.Strip(st.SparkRow(SparkRow{Label: "market.example A", Value: &v, Unit: "ms", CutoverCol: -1,
		Buckets: []board.Bucket{{Min: 1, Max: 2, Avg: 1.5, N: 2}}}, 66))
	if !strings.HasPrefix(row, "market.example A ") {
		t.Fatalf("the label is cut at 66 cells: %q", row)
	}
	if lay := NewSparkLayout(66); lay.Spark < 20 {
		t.Fatalf("the chart keeps at least 20 cells at 66: %d", lay.Spark)
	}
}

// The y-axis keeps its max and min labels: on a short chart (120×40) the crit line fell in
// the top row and labelled it "1.5s", so the spike's 1.6 s showed nowhere on the screen.
func TestAxisKeepsMaxAndMinOverThresholds(t *testing.T) {
	st := NewStyles(Dark(), true)
	bs := make([]board.Bucket, 40)
	for i := range bs {
		bs[i] = board.Bucket{Min: 380, Max: 420, Avg: 400, N: 5}
	}
	bs[30] = board.Bucket{Min: 400, Max: 1600, Avg: 900, N: 5}
	c := Chart{Title: "app p95", Unit: "ms", Start: fixtureNow.Add(-40 * time.Second), Step: time.Second,
		Warn: ptr(800), Crit: ptr(1500), Series: []ChartSeries{{Name: "app p95", Buckets: bs, Value: ptr(400)}}}
	out := ansi.Strip(st.TallChart(c, TallAxisWidth+40, 7, fixtureLoc)) // 5 plot rows
	lines := strings.Split(out, "\n")
	if top := lines[1]; !strings.HasPrefix(strings.TrimSpace(top), "1.6s ┤") {
		t.Fatalf("the top row must be labelled with the max, 1.6s:\n%s", out)
	}
	if bottom := lines[5]; !strings.HasPrefix(strings.TrimSpace(bottom), "380ms ┤") {
		t.Fatalf("the bottom row must be labelled with the min, 380ms:\n%s", out)
	}
	if !strings.Contains(out, "800ms ┤┈") {
		t.Fatalf("a threshold between them keeps its label:\n%s", out)
	}
}

// At 80×24 a database's zoom drew its chart in four rows and its thirteen short facts in
// one column under it: short facts now take as many columns as hold them whole, and the
// chart keeps its height.
func TestZoomFactsShareColumnsWhenShort(t *testing.T) {
	st := NewStyles(Dark(), true)
	facts := []Fact{{"now", "6.6 s lag · heartbeat"}, {"role", "replica"}, {"read only", "no"},
		{"expect", "writable"}, {"lag", "6.6 s"}, {"lag source", "heartbeat"}, {"io running", "yes"},
		{"sql running", "yes"}, {"stray writes", "no"}, {"dialect", "mariadb"},
		{"version", "11.4.3-MariaDB (simulated)"}, {"last error", "–"}, {"errant gtids", "–"}}
	c := chartFixture(TallPlotWidth(79))
	c.Series = c.Series[:1]
	out := ansi.Strip(st.Zoom(Zoom{Head: "cloud-writer · mysql · warn", Chart: c, Facts: facts}, 79, 20, fixtureLoc))
	lines := strings.Split(out, "\n")
	plotRows := 0
	for _, l := range lines {
		if strings.Contains(l, "┤") || strings.HasPrefix(strings.TrimSpace(l), "│") {
			plotRows++
		}
	}
	if plotRows < 9 {
		t.Errorf("the chart has %d plot rows in a 20-line zoom, want at least 9:\n%s", plotRows, out)
	}
	for _, f := range facts {
		if !strings.Contains(out, f.Name+" "+f.Value) {
			t.Errorf("fact %q %q is not shown whole:\n%s", f.Name, f.Value, out)
		}
	}
}

// At 120 columns (a zoom of 65 cells) the zoom's title dropped the window's min, max and
// p95 after the verdict and medians; the issue asks the zoom for current/min/max/p95. What
// does not fit on the title line goes on a second one.
func TestZoomKeepsMinMaxP95WhenNarrow(t *testing.T) {
	st := NewStyles(Dark(), true)
	z := zoomFixture(TallPlotWidth(65))
	z.Chart.Series = z.Chart.Series[:1]
	out := ansi.Strip(st.Zoom(z, 65, 34, fixtureLoc))
	for _, want := range []string{"▼18% after", "median 511 ms → 420 ms", "ms ▴3.1s", "p95 2.1s"} {
		if !strings.Contains(out, want) {
			t.Errorf("the zoom at 65 cells does not show %q:\n%s", want, out)
		}
	}
	if tall := ansi.Strip(st.TallChart(z.Chart, 65, 8, fixtureLoc)); strings.Count(tall, "\n") != 7 || strings.Contains(tall, "p95 2.1s") {
		t.Errorf("a tall chart in the charts pane keeps its one title line:\n%s", tall)
	}
}

// pollEvery fills n columns of step with a source polled every interval (one column in
// five is empty for 5 s polls on 4 s columns), with no answer in columns [from, to).
func pollEvery(n int, step, interval time.Duration, from, to int) []board.Bucket {
	bs := make([]board.Bucket, n)
	for t := time.Duration(0); t < time.Duration(n)*step; t += interval {
		if i := int(t / step); i < from || i >= to {
			bs[i] = board.Bucket{Min: 400, Max: 400, Avg: 400, N: bs[i].N + 1}
		}
	}
	return bs
}

// A source polled every 5 s on 4 s columns (a 5m zoom or pinned chart at 200 columns) leaves
// one column in five without a sample: those were drawn as gaps (·) along the floor, which
// says "no answer" when every poll was answered. Only a run of empty columns of two
// intervals or more (the board's stale rule) is a gap.
func TestEmptyColumnsBetweenPollsAreNotGaps(t *testing.T) {
	st := NewStyles(Dark(), true)
	step, iv := 4*time.Second, 5*time.Second
	bs := pollEvery(60, step, iv, 30, 40) // 40 s without an answer in the middle
	c := Chart{Title: "market (new)", Unit: "ms", Start: fixtureNow.Add(-60 * step), Step: step, Interval: iv,
		Series: []ChartSeries{{Name: "market (new)", Buckets: bs, Value: ptr(400)}}}
	out := strings.Split(ansi.Strip(st.TallChart(c, TallAxisWidth+60, 8, fixtureLoc)), "\n")
	floor := []rune(out[len(out)-2])[TallAxisWidth:]
	for i, r := range floor {
		// the outage's empty neighbours (a column between two polls beside it) join it
		if gap := r == '·'; gap && (i < 28 || i > 40) || !gap && i >= 30 && i < 40 {
			t.Fatalf("column %d: gap %v (gaps only where no answer came):\n%s", i, gap, strings.Join(out, "\n"))
		}
	}
	lay := NewSparkLayout(TallAxisWidth + 60)
	row := []rune(ansi.Strip(st.SparkRow(SparkRow{Label: "x", Buckets: pollEvery(lay.Spark, step, iv, 10, 20),
		CutoverCol: -1, Quiet: QuietColumns(iv, step)}, TallAxisWidth+60)))
	cells := row[lay.SparkAt() : lay.SparkAt()+lay.Spark]
	for i, r := range cells {
		if gap := r == '·'; gap && (i < 8 || i > 20) || !gap && i >= 10 && i < 20 {
			t.Fatalf("sparkline cell %d: gap %v (%q)", i, gap, string(cells))
		}
	}
}
