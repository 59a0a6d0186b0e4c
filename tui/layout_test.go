package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/widgets"
)

// The height rule: tall charts share what the one-line rows leave, never less than the
// minimum tall height (then none is tall) and never more than the cap.
func TestTallHeightRule(t *testing.T) {
	for _, tc := range []struct{ h, tall, rows, want int }{
		{49, 3, 8, 13},   // 200×60, the demo: three metrics over 8 one-line rows
		{34, 3, 8, 8},    // 160×45
		{27, 3, 8, 6},    // 120×40
		{10, 3, 8, 0},    // 80×24: no room, sparklines only
		{23, 3, 8, 5},    // just enough
		{22, 3, 8, 0},    // one line short
		{60, 1, 2, 30},   // one pinned chart: capped
		{40, 0, 10, 0},   // nothing pinned and no metrics
		{5, 1, 0, 5},     // a lone chart in the smallest room
		{0, 2, 0, 0},     // no room at all
		{100, 4, 36, 16}, // the benchmark's 40 series, 4 pinned
	} {
		if got := tallHeight(tc.h, tc.tall, tc.rows); got != tc.want {
			t.Errorf("tallHeight(%d, %d tall, %d rows) = %d, want %d", tc.h, tc.tall, tc.rows, got, tc.want)
		}
		if got := tallHeight(tc.h, tc.tall, tc.rows); got > 0 && got*tc.tall > tc.h {
			t.Errorf("tallHeight(%d, %d, %d) = %d overflows the pane", tc.h, tc.tall, tc.rows, got)
		}
	}
}

func demoLikePlan() []config.Checkpoint {
	var cps []config.Checkpoint
	for _, id := range []string{"announce", "maintenance", "freeze", "catch-up", "promote", "dns", "smoke", "open"} {
		cps = append(cps, config.Checkpoint{ID: id, Title: "Step " + id, Owner: "ops", Planned: config.Duration(time.Minute)})
	}
	return cps
}

// At every size the board fills its screen: with tall charts no more than a fifth of the
// lines are blank from 40 lines up; at 80×24 rows that do not fit say "+N more" and the
// header keeps the status counts.
func TestBlankLinesAndSmallScreens(t *testing.T) {
	e := newEnv(t, demoLikePlan(), 9)
	e.feed(time.Now(), true)
	for _, size := range [][2]int{{80, 24}, {100, 30}, {120, 40}, {160, 45}, {200, 50}, {200, 60}, {240, 70}} {
		m := newModel(t, e, Operator, size[0], size[1])
		m.Update(tickMsg(time.Now()))
		out := ansi.Strip(m.render())
		blank := 0
		for _, l := range strings.Split(out, "\n") {
			if strings.TrimSpace(l) == "" {
				blank++
			}
		}
		if size[1] >= 40 && blank*5 > size[1] {
			t.Errorf("%dx%d: %d of %d lines blank, want at most a fifth:\n%s", size[0], size[1], blank, size[1], out)
		}
		header := strings.SplitN(out, "\n", 2)[0]
		if !strings.Contains(header, "✓ 10 ok") {
			t.Errorf("%dx%d: the header lost its status counts: %q", size[0], size[1], header)
		}
		if size[1] >= 40 && !strings.Contains(out, "┤") {
			t.Errorf("%dx%d: no tall chart (no y-axis) on a screen this tall:\n%s", size[0], size[1], out)
		}
	}
	m := newModel(t, e, Operator, 80, 24)
	if out := ansi.Strip(m.render()); !strings.Contains(out, "more") || strings.Contains(out, "┤") {
		t.Errorf("80x24: rows that do not fit must say +N more, and no tall chart fits:\n%s", out)
	}
}

// The header keeps the whole status summary at 80 columns, dropping the clock and the
// timing's details first.
func TestHeaderKeepsCountsWhenNarrow(t *testing.T) {
	e := newEnv(t, plan(), 3)
	m := newModel(t, e, Operator, 80, 24)
	press(t, m, "s")
	m.deps.Title = "A very long cutover title that would never fit in eighty columns at all"
	h := ansi.Strip(m.header(80))
	if !strings.Contains(h, "? 4 unknown") || !strings.Contains(h, "T+") {
		t.Fatalf("header at 80 columns: %q", h)
	}
	if w := ansi.StringWidth(m.header(80)); w != 80 {
		t.Fatalf("header is %d wide", w)
	}
}

// Filling the fine store and folding into coarse buckets, a one-second spike among four
// hours of points still reaches the top of the chart at the 4h window.
func TestSpikeVisibleInAFourHourWindow(t *testing.T) {
	e := newEnv(t, plan(), 1)
	now := time.Now().Truncate(time.Second)
	spikeAt := now.Add(-3 * time.Hour)
	for k := 4 * 3600; k >= 0; k-- { // 1 s apart: the spike is past the 2 h of fine points, in a coarse bucket
		at := now.Add(-time.Duration(k) * time.Second)
		v := 400.0
		if at.Equal(spikeAt) {
			v = 3000
		}
		e.feedOne("src-00", v, at)
	}
	m := newModel(t, e, Operator, 200, 60)
	m.now = now
	m.Update(tickMsg(now))
	m.win = 0
	press(t, m, "]", "]", "]") // 5m → 15m → 1h → 4h
	if got := m.windowLabel(); got != "4h window" {
		t.Fatalf("window label %q, want 4h window", got)
	}
	out := ansi.Strip(m.render())
	if !strings.Contains(out, "4h window") || !strings.Contains(out, "3s ┤") {
		t.Fatalf("the 4h chart's y-axis must reach the spike (3 s):\n%s", out)
	}
	top := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "3s ┤") {
			top = l
		}
	}
	if !strings.ContainsAny(top, "│█▇▆▅") {
		t.Fatalf("the spike does not reach the top row: %q", top)
	}
	step, _ := m.columns(widgets.TallPlotWidth(m.lay.chartsW - 1))
	if step < time.Minute {
		t.Fatalf("a 4h window over ~100 columns has %s columns: more than one sample each expected", step)
	}
}
