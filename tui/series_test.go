package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
)

// A grouped metric (a Datadog query "by {host}", named by its group tags as the datadog
// source names them) reads its source's name once and one row per group labelled by its
// tags, so the rows differ at 120 columns where a label is cut at 13 cells.
func TestGroupedSeriesLabelledByTags(t *testing.T) {
	infos := []board.Info{{Name: "cpu by host", Kind: "datadog", Group: "metric", Unit: "%", Interval: time.Second,
		Threshold: sources.Threshold{Warn: sources.Float(2), Crit: sources.Float(3)}, Pin: true},
		{Name: "old-primary", Kind: "demo", Group: "db", Interval: time.Second}}
	e := newEnvInfos(t, plan(), infos, nil)
	now := time.Now()
	var series []sources.SeriesResult
	worst := 3.0
	for i, host := range []string{"host:a", "host:b", "host:c"} {
		v := float64(i + 1)
		st := []sources.Status{sources.OK, sources.Warn, sources.Crit}[i]
		series = append(series, sources.SeriesResult{Name: host, Unit: "%", Status: st, Value: &v,
			Points: []sources.Point{{Time: now.Add(-30 * time.Second), Value: v}, {Time: now, Value: v}}})
	}
	e.board.Ingest("cpu by host", sources.Result{Status: sources.Crit, Value: &worst, Unit: "%", Series: series,
		Detail: "host:c (worst of 3)"}, now)
	m := newModel(t, e, Operator, 120, 40)
	m.Update(tickMsg(now))
	pane := strings.Join(m.chartsPane(66, 20), "\n")
	plain := ansi.Strip(pane)
	if n := strings.Count(plain, "cpu by host"); n != 1 {
		t.Errorf("the source's name must show once, shows %d times:\n%s", n, plain)
	}
	if !strings.Contains(plain, "host:c (worst of 3)") || strings.Contains(plain, "┤") {
		t.Errorf("the source's row heads its groups (no chart of its own, the detail naming the worst):\n%s", plain)
	}
	for _, host := range []string{"host:a", "host:b", "host:c"} {
		if !strings.Contains(plain, "   "+host+" ") {
			t.Errorf("no row labelled %q under the source:\n%s", host, plain)
		}
	}
}

// A row without a chart (a read-only state, a stray write) shows its text once, in the
// chart's place, not again as its note.
func TestChartlessRowSaysItOnce(t *testing.T) {
	e := newEnv(t, plan(), 3)
	e.feed(time.Now(), true)
	m := newModel(t, e, Operator, 160, 45)
	plain := ansi.Strip(strings.Join(m.chartsPane(100, 30), "\n"))
	if n := strings.Count(plain, "read-only ✓"); n != 1 {
		t.Errorf("old-primary's detail shows %d times, want once:\n%s", n, plain)
	}
}

// At 120 columns the zoom's head keeps "esc returns" whole (it was cut to "esc r…"), and a
// fact that is a time reads as a clock in the board's zone, not as RFC 3339.
func TestZoomHeadSaysHowToLeave(t *testing.T) {
	e := newEnv(t, plan(), 3)
	now := time.Now()
	e.feed(now, true)
	v := 412.0
	e.board.Ingest("src-00", sources.Result{Status: sources.OK, Value: &v, Unit: "ms",
		Facts: map[string]any{"last_point_at": "2026-12-01T10:13:28Z"}}, now)
	m := newModel(t, e, Operator, 120, 40)
	m.Update(tickMsg(now))
	press(t, m, "tab", "z") // tab selects the first source, src-00
	out := ansi.Strip(m.render())
	if !strings.Contains(out, "esc returns") {
		t.Errorf("the zoom's head must say how to leave it:\n%s", out)
	}
	if !strings.Contains(out, "last point at 10:13:28") {
		t.Errorf("a time fact must read as a clock:\n%s", out)
	}
}
