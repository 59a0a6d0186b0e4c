package widgets

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
)

// testWidths covers every tiny width and the usual pane widths around their edges.
func testWidths() []int {
	ws := []int{79, 80, 81, 99, 100, 119, 120, 121, 159, 160, 199, 200, 250}
	for w := 1; w <= 64; w++ {
		ws = append(ws, w)
	}
	return ws
}

func TestEveryLineIsExactlyTheWidth(t *testing.T) {
	for _, v := range variants {
		st := NewStyles(v.theme, v.noColor)
		for _, w := range testWidths() {
			for _, r := range renderFixtures(st, w) {
				requireShape(t, v.name+"/"+r.name, r.out, w, r.height)
			}
		}
	}
}

func TestZeroWidthRendersNothing(t *testing.T) {
	st := NewStyles(Dark(), false)
	for _, r := range renderFixtures(st, 0) {
		if strings.Trim(r.out, "\n") != "" {
			t.Errorf("%s at width 0: %q", r.name, r.out)
		}
	}
}

// hostile is text a remote server could send to take over a viewer's terminal: clear the
// screen, set the clipboard (OSC 52), return the cursor, an 8-bit CSI, a DCS query, NUL,
// DEL, a bidi override and a title change left unterminated.
const hostile = "evil\x1b[2J\x1b]52;c;ZXZpbA==\x07\rX\u009b31mY\x9b2J\x1bP1$q\x1b\\\x00\x7f\u202eZ\tW\x1b]0;pwned"

// textEverywhere puts h in every text field of the fixtures.
func textEverywhere(h string) ([]SparkRow, []runsheet.Checkpoint, []EventLine) {
	rows := sparkRows(40)
	for i := range rows {
		rows[i].Label, rows[i].Unit, rows[i].Note = h, h, h
	}
	rows = append(rows, SparkRow{Label: h, Detail: h, CutoverCol: -1, Level: LevelCrit})
	cps := checkpointsFixture()
	for i := range cps {
		c := &cps[i]
		c.ID, c.Title, c.Owner, c.By, c.Note = h, h, h, h, h
		c.Command, c.Rollback, c.Gate.Expr, c.Gate.Failing = h, h, h, h
	}
	evs := []EventLine{{Time: fixtureNow, Level: LevelCrit, Glyph: h, Text: h}, {Glyph: "\x1b", Text: h}}
	return rows, cps, evs
}

func TestHostileTextIsSanitizedInEveryWidget(t *testing.T) {
	rows, cps, evs := textEverywhere(hostile)
	for _, v := range variants {
		st := NewStyles(v.theme, v.noColor)
		for _, w := range []int{10, 20, 80, 200} {
			for _, r := range renderAll(st, w, cps, rows, evs) {
				requireSafe(t, r.name, r.out)
				requireShape(t, r.name, r.out, w, 0)
				if w == 200 && !strings.Contains(r.out, "evil") {
					t.Errorf("%s: the printable part of the text was lost:\n%s", r.name, r.out)
				}
			}
		}
		requireSafe(t, "badge", st.Badge(LevelCrit, hostile))
	}
}

// FuzzWidgetsText draws every widget with arbitrary text in every field.
func FuzzWidgetsText(f *testing.F) {
	f.Add(hostile, 80)
	f.Add("世界\u0301👩\u200d💻✓\ufe0f", 13)
	f.Fuzz(func(t *testing.T, text string, width int) {
		width = clampInt(width, 1, 240)
		rows, cps, evs := textEverywhere(text)
		st := NewStyles(Light(), false)
		for _, r := range renderAll(st, width, cps, rows, evs) {
			requireSafe(t, r.name, r.out)
			requireShape(t, r.name, r.out, width, 0)
		}
	})
}

func TestStaleRowHasNoThresholdColour(t *testing.T) {
	th := Dark()
	st := NewStyles(th, false)
	lay := NewSparkLayout(120)
	row := SparkRow{Label: "app p95", Buckets: series(lay.Spark, spike(100, 3000, 100)), Unit: "ms",
		Value: ptr(2900), Warn: ptr(800), Crit: ptr(1500), CutoverCol: 5, Level: LevelCrit,
		Note: "▲40% after", NoteLevel: LevelCrit}
	live := st.SparkRow(row, 120)
	for _, c := range []string{fgSeq(th.OK), fgSeq(th.Crit)} {
		if !strings.Contains(live, c) {
			t.Fatalf("live row lacks threshold colour %s: %q", c, live)
		}
	}
	row.Stale = true
	stale := st.SparkRow(row, 120)
	for _, c := range []string{fgSeq(th.OK), fgSeq(th.Warn), fgSeq(th.Crit), fgSeq(th.Accent)} {
		if strings.Contains(stale, c) {
			t.Errorf("stale row has colour %s: %q", c, stale)
		}
	}
	if !strings.Contains(stale, fgSeq(th.Stale)) || !strings.Contains(stale, StaleGlyph) {
		t.Errorf("stale row lacks the stale colour or glyph: %q", stale)
	}
	if strings.Contains(ansi.Strip(stale), Glyph(LevelCrit)) {
		t.Errorf("stale row still shows the crit glyph: %q", ansi.Strip(stale))
	}
}

// sparkCells returns the chart cells of a rendered row.
func sparkCells(t *testing.T, out string, lay SparkLayout) []string {
	t.Helper()
	cells := strings.Split(ansi.Strip(out), "")
	var rs []string
	for _, r := range strings.Join(cells, "") {
		rs = append(rs, string(r))
	}
	return rs[lay.SparkAt() : lay.SparkAt()+lay.Spark]
}

func TestGapsRenderAsGaps(t *testing.T) {
	st := NewStyles(Dark(), false)
	lay := NewSparkLayout(80)
	bs := make([]board.Bucket, lay.Spark)
	for i := range bs {
		bs[i] = board.Bucket{Min: 1, Max: 3, Avg: float64(i % 5), N: 4}
	}
	gaps := map[int]bool{0: true, 3: true, 4: true, lay.Spark - 1: true}
	for i := range gaps {
		bs[i] = board.Bucket{} // N == 0, Avg == 0: must not draw as the lowest bar
	}
	cells := sparkCells(t, st.SparkRow(SparkRow{Label: "x", Buckets: bs, CutoverCol: -1}, 80), lay)
	for i, c := range cells {
		if gaps[i] && c != gapCell {
			t.Errorf("cell %d is a gap but drawn %q", i, c)
		}
		if !gaps[i] && c == gapCell {
			t.Errorf("cell %d has data but is drawn as a gap", i)
		}
		if !gaps[i] && bs[i].Avg == 0 && c != "▁" {
			t.Errorf("cell %d is the minimum but drawn %q", i, c)
		}
	}
}

// The cutover marker takes a cell of its own just before the column holding the cutover:
// that column's bar (the spike, often) is drawn right after it, never replaced.
func TestCutoverMarkerSitsBesideItsColumn(t *testing.T) {
	st := NewStyles(Light(), true)
	lay := NewSparkLayout(100)
	n := lay.Spark
	for _, tc := range []struct {
		buckets, cut, want int // want: the marker's cell index, -1 for no marker
	}{
		{n, 7, 6},         // the oldest column makes room for the marker
		{n + 10, 17, 6},   // more buckets than fit: the oldest eleven are cut off
		{n + 10, 5, -1},   // the cutover scrolled out of the window
		{n - 4, 0, 3},     // fewer buckets: right-aligned
		{n, n - 1, n - 2}, // the newest column
		{n, -1, -1},       // none
		{n, n + 3, -1},    // out of range
	} {
		bs := series(tc.buckets, spike(5, 9, 4))
		cells := sparkCells(t, st.SparkRow(SparkRow{Label: "x", Buckets: bs, CutoverCol: tc.cut}, 100), lay)
		got := -1
		for i, c := range cells {
			if c == cutoverCell {
				got = i
			}
		}
		if got != tc.want {
			t.Errorf("%d buckets, cutover %d: marker at %d, want %d", tc.buckets, tc.cut, got, tc.want)
		}
		if got >= 0 && (got+1 >= len(cells) || !strings.ContainsAny(cells[got+1], "▁▂▃▄▅▆▇█")) {
			t.Errorf("%d buckets, cutover %d: the cutover column's bar is not drawn after the marker", tc.buckets, tc.cut)
		}
	}
}

// A one-sample spike inside a wide column still reaches the top of the sparkline.
func TestSparkShowsTheColumnsWorstPoint(t *testing.T) {
	st := NewStyles(Dark(), true)
	lay := NewSparkLayout(100)
	bs := make([]board.Bucket, lay.Spark)
	for i := range bs {
		bs[i] = board.Bucket{Min: 400, Max: 420, Avg: 410, N: 240}
	}
	spike := lay.Spark / 2
	bs[spike] = board.Bucket{Min: 400, Max: 1600, Avg: 415, N: 240} // one 1.6 s point among 240
	cells := sparkCells(t, st.SparkRow(SparkRow{Label: "x", Buckets: bs, CutoverCol: -1}, 100), lay)
	if cells[spike] != "█" {
		t.Fatalf("the spike's column is drawn %q, want a full bar", cells[spike])
	}
}

func TestThresholdColours(t *testing.T) {
	th := Dark()
	st := NewStyles(th, false)
	one := func(b board.Bucket, below bool) string {
		warn, crit := 10.0, 20.0
		if below { // lower is worse: crit lies under warn
			warn, crit = 20, 10
		}
		return st.SparkRow(SparkRow{Label: "x", Buckets: []board.Bucket{b}, Warn: &warn, Crit: &crit,
			Below: below, CutoverCol: -1}, 60)
	}
	for _, tc := range []struct {
		b     board.Bucket
		below bool
		want  string
	}{
		{board.Bucket{Min: 1, Avg: 2, Max: 5, N: 1}, false, fgSeq(th.OK)},
		{board.Bucket{Min: 1, Avg: 2, Max: 12, N: 1}, false, fgSeq(th.Warn)}, // a spike in the bucket
		{board.Bucket{Min: 1, Avg: 2, Max: 25, N: 1}, false, fgSeq(th.Crit)},
		{board.Bucket{Min: 1, Avg: 30, Max: 40, N: 1}, true, fgSeq(th.Crit)}, // a dip when lower is worse
		{board.Bucket{Min: 15, Avg: 30, Max: 40, N: 1}, true, fgSeq(th.Warn)},
		{board.Bucket{Min: 25, Avg: 30, Max: 40, N: 1}, true, fgSeq(th.OK)},
	} {
		if out := one(tc.b, tc.below); !strings.Contains(out, tc.want+"m▁") {
			t.Errorf("%+v below=%v: want the cell in %s, got %q", tc.b, tc.below, tc.want, out)
		}
	}
	plain := st.SparkRow(SparkRow{Label: "x", Buckets: []board.Bucket{{Avg: 1, Max: 99, N: 1}}, CutoverCol: -1}, 60)
	if !strings.Contains(plain, fgSeq(th.Accent)+"m▁") {
		t.Errorf("a chart without thresholds should use the accent colour: %q", plain)
	}
}

func TestNoColorEmitsNoColour(t *testing.T) {
	st := NewStyles(Dark(), true)
	for _, w := range []int{20, 80, 200} {
		for _, r := range renderFixtures(st, w) {
			if strings.Contains(r.out, "38;") || strings.Contains(r.out, "48;") {
				t.Errorf("%s at %d has colour: %q", r.name, w, r.out)
			}
		}
	}
	out := st.CheckpointList(checkpointsFixture(), 4, 120, 0, time.Time{})
	if !strings.Contains(out, "\x1b[7m") {
		t.Errorf("without colour the selected row should be reversed: %q", out)
	}
	if !strings.Contains(ansi.Strip(out), "✗") {
		t.Errorf("without colour a red gate should differ from a green one: %s", ansi.Strip(out))
	}
}

func TestCheckpointListKeepsTheSelectionVisible(t *testing.T) {
	st := NewStyles(Dark(), false)
	var cps []runsheet.Checkpoint
	for i := range 30 {
		cps = append(cps, runsheet.Checkpoint{ID: "cp" + string(rune('A'+i)), Title: "step", State: runsheet.Pending})
	}
	for _, h := range []int{2, 3, 6, 11, 31, 40} {
		for sel := range cps {
			out := st.CheckpointList(cps, sel, 60, h, time.Time{})
			lines := strings.Split(out, "\n")
			if len(lines) != h {
				t.Fatalf("height %d: %d lines", h, len(lines))
			}
			found := false
			for _, l := range lines[1:] {
				if strings.Contains(l, fgSeq(Dark().SelectedFg)) {
					found = strings.Contains(ansi.Strip(l), cps[sel].ID+" ")
				}
			}
			if !found {
				t.Fatalf("height %d, selected %d: selected row not shown:\n%s", h, sel, ansi.Strip(out))
			}
		}
	}
}

func TestCheckpointColumnsCollapseBeforeTheTitle(t *testing.T) {
	cps := checkpointsFixture()
	need := 0
	for _, c := range cps {
		need = max(need, textWidth(c.Title)+markersWidth(c, true))
	}
	prev := cpLayout(cps, 300)
	for w := 300; w >= 14; w-- {
		c := cpLayout(cps, w)
		if c.fixed()+c.title > w {
			t.Fatalf("width %d: columns take %d", w, c.fixed()+c.title)
		}
		if (c.owner > 0 || c.plan > 0 || c.id > 0 || c.actual > 0) && c.title < min(titleMinW, need) {
			t.Errorf("width %d: title cut to %d while other columns stay: %+v", w, c.title, c)
		}
		if c.owner > prev.owner && prev.owner == 0 {
			t.Errorf("width %d: owner came back while narrowing", w)
		}
		prev = c
	}
	st := NewStyles(Dark(), false)
	out := ansi.Strip(st.CheckpointList(cps, -1, 30, 0, time.Time{}))
	if !strings.Contains(out, "Cloud writer") || strings.Contains(out, "owner") {
		t.Errorf("at 30 columns the title should stay and the owner go:\n%s", out)
	}
}

func TestOverrunIsHighlighted(t *testing.T) {
	th := Dark()
	st := NewStyles(th, false)
	start := fixtureNow.Add(-25 * time.Minute)
	cp := runsheet.Checkpoint{ID: "x", Title: "t", Planned: 20 * time.Minute, State: runsheet.Running,
		StartedAt: start, Actual: 10 * time.Minute}
	for _, tc := range []struct {
		now  time.Time
		want string
		col  string
	}{
		{start.Add(10 * time.Minute), "10m", fgSeq(th.Text)},
		{start.Add(25 * time.Minute), "25m", fgSeq(th.Warn)},
		{start.Add(31 * time.Minute), "31m", fgSeq(th.Crit)},
	} {
		out := st.CheckpointList([]runsheet.Checkpoint{cp}, -1, 80, 0, tc.now)
		if !strings.Contains(out, tc.col+"m"+tc.want) {
			t.Errorf("now %v: want actual %s in %s: %q", tc.now.Sub(start), tc.want, tc.col, out)
		}
	}
}

func TestRollbackLine(t *testing.T) {
	st := NewStyles(Dark(), false)
	cps := checkpointsFixture()
	if out := ansi.Strip(st.RollbackLine(cps, false, 100)); !strings.Contains(out, "rollback now: STOP REPLICA") {
		t.Errorf("running rollback missing: %q", out)
	}
	past := st.RollbackLine(cps, true, 100)
	if !strings.Contains(past, "9mSTOP REPLICA") || !strings.Contains(past, "past the point of no return") {
		t.Errorf("past the point of no return the rollback should be struck: %q", past)
	}
	if out := ansi.Strip(st.RollbackLine(cps[:3], false, 100)); !strings.Contains(out, "nothing running") {
		t.Errorf("no running checkpoint: %q", out)
	}
	cps[3].Rollback = " "
	if out := ansi.Strip(st.RollbackLine(cps, false, 100)); !strings.Contains(out, "none written for catch-up") {
		t.Errorf("missing rollback: %q", out)
	}
}

func TestCheckpointDetailStrikesRollbackPastNoReturn(t *testing.T) {
	st := NewStyles(Light(), false)
	cp := checkpointsFixture()[3]
	before := st.CheckpointDetail(cp, false, 100, 0, fixtureLoc)
	after := st.CheckpointDetail(cp, true, 100, 0, fixtureLoc)
	if strings.Contains(before, "9mSTOP") || !strings.Contains(after, "9mSTOP") {
		t.Errorf("rollback should be struck only past the point of no return:\n%q\n%q", before, after)
	}
	if !strings.Contains(ansi.Strip(before), "started 02:27:00") {
		t.Errorf("start time not in the given zone: %s", ansi.Strip(before))
	}
}

func TestEventLogNewestFirst(t *testing.T) {
	st := NewStyles(Dark(), false)
	evs := eventsFixture()
	out := strings.Split(ansi.Strip(st.EventLog(evs, 100, 3, time.UTC)), "\n")
	want := []string{"00:39:55", "00:39:30", "00:38:10"}
	for i, w := range want {
		if !strings.HasPrefix(out[i], w) {
			t.Errorf("line %d = %q, want time %s", i, out[i], w)
		}
	}
	if !strings.Contains(out[2], "▶  catch-up") {
		t.Errorf("an event's own glyph should replace its level's: %q", out[2])
	}
	empty := ansi.Strip(st.EventLog(nil, 40, 2, nil))
	if !strings.HasPrefix(empty, "no events yet") || strings.Count(empty, "\n") != 1 {
		t.Errorf("empty log: %q", empty)
	}
}

func TestSummary(t *testing.T) {
	st := NewStyles(Dark(), true)
	if got := ansi.Strip(st.Summary(Counts{Crit: 1, Warn: 2, OK: 14})); got != "● 1 crit  ▲ 2 warn  ✓ 14 ok" {
		t.Errorf("summary = %q", got)
	}
	var c Counts
	for _, l := range []Level{LevelOK, LevelWarn, LevelUnknown, LevelOK} {
		c.Add(l)
	}
	if c != (Counts{Warn: 1, Unknown: 1, OK: 2}) || c.Worst() != LevelWarn {
		t.Errorf("counts %+v worst %v", c, c.Worst())
	}
	if (Counts{}).Worst() != LevelUnknown || (Counts{OK: 3}).Worst() != LevelOK {
		t.Error("worst of nothing should be unknown, of only ok ok")
	}
}

// A field of the detail view that does not fit whole starts the next row: at 52 columns the
// state row used to end in "by" with the name cut off.
func TestCheckpointDetailWrapsWholeFields(t *testing.T) {
	st := NewStyles(Dark(), false)
	cp := checkpointsFixture()[2]
	cp.EndedAt, cp.By = cp.StartedAt.Add(4*time.Second), "sam"
	for w := 30; w <= 100; w++ {
		out := ansi.Strip(st.CheckpointDetail(cp, false, w, 0, fixtureLoc))
		if !strings.Contains(out, "by sam") {
			t.Errorf("width %d: the field 'by sam' is not shown whole:\n%s", w, out)
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.HasSuffix(strings.TrimRight(l, " "), " by") {
				t.Errorf("width %d: a row ends in a field name without its value: %q", w, l)
			}
		}
	}
}
