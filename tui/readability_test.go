package tui

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// selectedSource is the name of the source the charts pane has selected, "" on a title.
func selectedSource(m *Model) string {
	rows := m.chartRows()
	if m.chartSel >= len(rows) || rows[m.chartSel].section != "" {
		return ""
	}
	return m.snap.Sources[rows[m.chartSel].source].Name
}

// The charts pane selects sources, never a section title: tab then z zooms the first source
// (it used to select "RESPONSE TIME & METRICS" and answer z with "tab to the charts", which
// the user had just done), and j/k step over the titles.
func TestChartSelectionSkipsSectionTitles(t *testing.T) {
	e := newEnv(t, plan(), 3) // src-00 metric, src-01 db, src-02 health, old-primary db
	e.feed(time.Now(), true)
	m := newModel(t, e, Operator, 160, 45)
	m.Update(tickMsg(time.Now()))
	press(t, m, "tab")
	m.render()
	if got := selectedSource(m); got != "src-00" {
		t.Fatalf("after tab the charts pane selects %q, want the first source src-00", got)
	}
	press(t, m, "z")
	if m.zoom != "src-00" {
		t.Fatalf("z after tab zoomed %q (flash %q), want src-00", m.zoom, m.flash.text)
	}
	press(t, m, "esc")
	for _, step := range []struct{ key, want string }{
		{"j", "src-01"}, {"j", "old-primary"}, {"j", "src-02"}, {"j", "src-02"},
		{"k", "old-primary"}, {"k", "src-01"}, {"k", "src-00"}, {"k", "src-00"}, {"G", "src-02"}, {"g", "src-00"},
	} {
		press(t, m, step.key)
		if got := selectedSource(m); got != step.want {
			t.Fatalf("%s selected %q, want %q", step.key, got, step.want)
		}
	}
	// Without a draw in between (keys come faster than frames), tab then j is the second source.
	m2 := newModel(t, e, Operator, 160, 45)
	m2.Update(tickMsg(time.Now()))
	press(t, m2, "tab", "j")
	if got := selectedSource(m2); got != "src-01" {
		t.Fatalf("tab, j selected %q, want src-01", got)
	}
	if out := m2.render(); !strings.Contains(out, "▌") {
		t.Fatal("the selected source must be marked")
	}
}

// Once every checkpoint is done the header says so ("done in 1:30 of 1:00:00 (58m early)"):
// it used to keep "T+1:30 of 1:00:00 · forecast 1:30 (58m early)", a clock that no longer
// moves beside a forecast of what is over, which reads as a hung board.
func TestHeaderSaysWhenTheRunIsDone(t *testing.T) {
	var clock atomic.Int64
	clock.Store(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	cps := []config.Checkpoint{{ID: "one", Title: "First", Planned: config.Duration(time.Minute)},
		{ID: "two", Title: "Second", Planned: config.Duration(time.Minute)}}
	e := newEnvAt(t, cps, 0, now)
	m := newModel(t, e, Operator, 160, 45)
	press(t, m, "s")
	clock.Add(int64(90 * time.Second))
	m.Update(tickMsg(now()))
	if h := ansi.Strip(m.header(160)); !strings.Contains(h, "T+1:30 of 1:00:00") || !strings.Contains(h, "forecast") {
		t.Fatalf("a running plan shows T+ and the forecast: %q", h)
	}
	press(t, m, "d", "s", "d")
	clock.Add(int64(time.Minute))
	m.Update(tickMsg(now()))
	for _, w := range []int{160, 120, 80} {
		h := ansi.Strip(m.header(w))
		if !strings.Contains(h, "done in 1:30 of 1:00:00") || strings.Contains(h, "forecast") || strings.Contains(h, "T+") {
			t.Errorf("at %d columns a finished plan must say done in, without T+ or a forecast: %q", w, h)
		}
		if w >= 120 && !strings.Contains(h, "(58m early)") {
			t.Errorf("at %d columns the header must say how early it finished: %q", w, h)
		}
	}
}

// While a filter is typed the footer shows the keys that work then: it used to show the
// pane's keys (j/↓ older, G live, q quit), which only type letters into the filter.
func TestFooterWhileTypingAFilter(t *testing.T) {
	e := newEnv(t, plan(), 3)
	for _, w := range []int{160, 80} {
		m := newModel(t, e, Operator, w, 40)
		press(t, m, "/", "f", "r")
		f := ansi.Strip(m.footer(w))
		if !strings.Contains(f, "enter keep the filter") || !strings.Contains(f, "esc stop typing") ||
			strings.Contains(f, "q quit") || strings.Contains(f, "? help") {
			t.Errorf("at %d columns the footer while typing reads %q", w, f)
		}
		press(t, m, "enter")
		if f := ansi.Strip(m.footer(w)); !strings.Contains(f, "q quit") {
			t.Errorf("at %d columns after enter the footer must show the pane's keys again: %q", w, f)
		}
	}
}

// A filter that keeps no checkpoint says so in the runsheet pane, as the charts pane does;
// the pane used to show the column names over nothing.
func TestRunsheetSaysWhenTheFilterKeepsNothing(t *testing.T) {
	e := newEnv(t, plan(), 3)
	for _, size := range [][2]int{{160, 45}, {80, 24}} {
		m := newModel(t, e, Operator, size[0], size[1])
		press(t, m, "/")
		for _, r := range "src-0" {
			press(t, m, string(r))
		}
		press(t, m, "enter")
		out := ansi.Strip(m.render())
		if !strings.Contains(out, "no checkpoint matches /src-0") {
			t.Errorf("at %dx%d the runsheet must say that nothing matches:\n%s", size[0], size[1], out)
		}
		if !strings.Contains(out, "src-00") {
			t.Errorf("at %dx%d the sources that match must still show:\n%s", size[0], size[1], out)
		}
	}
}

// The zoom's facts are in words: a health probe's served_by_share (a map of whole percents,
// map[string]int as the probe reports it) used to read "map[aws-1:70 aws-2:30]", and an
// empty error headed the list as "error –".
func TestZoomFactsInWords(t *testing.T) {
	e := newEnv(t, plan(), 3)
	e.feed(time.Now(), true)
	v := 81.0
	e.board.Ingest("src-00", sources.Result{Status: sources.OK, Value: &v, Unit: "ms",
		Facts: map[string]any{"error": "", "status_code": 200, "served_by": "aws-1",
			"served_by_share": map[string]int{"aws-2": 30, "aws-1": 70}, "answers": []string{}}}, time.Now())
	m := newModel(t, e, Operator, 160, 45)
	m.Update(tickMsg(time.Now()))
	press(t, m, "tab", "z")
	out := ansi.Strip(m.render())
	if !strings.Contains(out, "served by share aws-1 70% · aws-2 30%") || strings.Contains(out, "map[") {
		t.Fatalf("served_by_share must read as shares, largest first:\n%s", out)
	}
	facts := readableFacts(m.snap.Sources[m.zoomed()], time.UTC)
	if first := facts[0]; first.Value == "–" {
		t.Fatalf("the facts must start with what is known, not %q %q", first.Name, first.Value)
	}
	if last := facts[len(facts)-1]; last.Value != "–" {
		t.Fatalf("empty facts (an empty error, no answers) go last: the last is %q %q", last.Name, last.Value)
	}
}

// The details (i) at 80×24 have one line for facts: it showed "error:" (an empty error,
// first by name) and nothing said that more were hidden. Known facts come first, in words,
// and the last cell says how many did not fit.
func TestDetailsAt80ShowKnownFactsFirst(t *testing.T) {
	e := newEnv(t, plan(), 3)
	v := 412.0
	e.board.Ingest("src-00", sources.Result{Status: sources.OK, Value: &v, Unit: "ms",
		Facts: map[string]any{"error": "", "query": "p95:trace.rack.request{service:market}", "points": 300,
			"series_count": 1, "rate_limit_remaining": nil, "served_by_share": map[string]int{"old-1": 100}}}, time.Now())
	m := newModel(t, e, Operator, 80, 24)
	m.Update(tickMsg(time.Now()))
	press(t, m, "tab", "i")
	out := ansi.Strip(m.render())
	if strings.Contains(out, "error:") && !strings.Contains(out, "query:") {
		t.Fatalf("the one line of details must show a known fact before an empty error:\n%s", out)
	}
	if !strings.Contains(out, "query: p95:trace.rack.request") || !strings.Contains(out, "more · z zooms") {
		t.Fatalf("the details must start with the query and say that more facts are hidden:\n%s", out)
	}
	m2 := newModel(t, e, Operator, 200, 60)
	m2.Update(tickMsg(time.Now()))
	press(t, m2, "tab", "i")
	if out := ansi.Strip(m2.render()); !strings.Contains(out, "served_by_share: old-1 100%") || strings.Contains(out, "map[") {
		t.Fatalf("a map fact must read in words:\n%s", out)
	}
}

// Rollback mode with no done checkpoint that has a rollback says so in the pane, instead of
// the column names over nothing (the dialog had said it, the pane did not).
func TestEmptyRollbackPlanSaysSo(t *testing.T) {
	e := newEnv(t, plan(), 3)
	m := newModel(t, e, Operator, 120, 40)
	press(t, m, "R", "y")
	if !m.sheet.RollingBack {
		t.Fatal("R, y must switch to rollback mode")
	}
	if out := ansi.Strip(m.render()); !strings.Contains(out, "no done checkpoint has a rollback written") {
		t.Fatalf("an empty rollback plan must say why it is empty:\n%s", out)
	}
}

// A source polled every 5 s, drawn on 4 s columns (a pinned chart at 200×60 over 5m), has no
// gap (·) on its floor: the empty columns between two polls are not missed answers.
func TestPinnedChartOfA5sSourceHasNoFalseGaps(t *testing.T) {
	// Every phase of the clock against the 4 s columns: whether the window's first column
	// holds a sample depends on it.
	base := time.Now().Truncate(20 * time.Second)
	for phase := range 20 {
		infos := []board.Info{{Name: "web", Kind: "health", Group: "health", Unit: "ms", Interval: 5 * time.Second, Pin: true}}
		now := base.Add(time.Duration(phase) * time.Second)
		e := newEnvInfos(t, plan()[:1], infos, func() time.Time { return now })
		for k := 240; k >= 0; k-- { // 20 minutes: the session opens at a 15m window
			e.feedOne("web", 80, now.Add(-time.Duration(k)*5*time.Second))
		}
		d := e.deps(Operator)
		d.Now = func() time.Time { return now }
		m := New(d)
		t.Cleanup(m.Close)
		m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
		m.Update(tickMsg(now))
		press(t, m, "[") // the 5m window: 4 s columns
		out := ansi.Strip(m.render())
		if !strings.Contains(out, "5m window") {
			t.Fatalf("[ must narrow the window to 5m:\n%s", out)
		}
		axis := 0
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, "┤") {
				axis++
				if strings.Contains(l, "·") {
					t.Fatalf("phase %d s: the chart of a source answering every poll shows gaps:\n%s", phase, out)
				}
			}
		}
		if axis < 2 {
			t.Fatalf("web must be drawn as a tall chart:\n%s", out)
		}
	}
}
