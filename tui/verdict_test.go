package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/widgets"
)

// TestVerdictWaitsForSamples: right after the cutover the few samples since it are its own
// spike, so the board says how many it has instead of judging ("▲146% after" for a good
// cutover); with enough it compares the medians.
func TestVerdictWaitsForSamples(t *testing.T) {
	e := newEnv(t, plan(), 3)
	cut := time.Now().Truncate(time.Second).Add(-time.Minute)
	for k := 120; k > 0; k-- { // two minutes at 500 ms before the cutover
		e.feedOne("src-00", 500, cut.Add(-time.Duration(k)*time.Second))
	}
	m := New(e.deps(Operator))
	defer m.Close()
	m.sheet.CutoverAt = cut
	verdictAfter := func(n int, v float64) (string, widgets.Level) {
		for i := range n {
			e.feedOne("src-00", v, cut.Add(time.Duration(i)*time.Second))
		}
		m.now = cut.Add(time.Duration(n) * time.Second)
		m.snap = e.board.Snapshot()
		src := m.snap.Sources[0]
		return m.verdict(src.Threshold.Below, m.snap.Series(src.Series[0].Key))
	}
	if note, level := verdictAfter(3, 1300); note != "after: 3 of 10 samples" || level != widgets.LevelUnknown {
		t.Fatalf("3 samples of the spike after the cutover: %q (level %v)", note, level)
	}
	// Seven more, lower than before: ten samples, median 400 ms against 500 ms.
	for i := 3; i < 10; i++ {
		e.feedOne("src-00", 400, cut.Add(time.Duration(i)*time.Second))
	}
	m.now = cut.Add(10 * time.Second)
	m.snap = e.board.Snapshot()
	src := m.snap.Sources[0]
	note, level := m.verdict(src.Threshold.Below, m.snap.Series(src.Series[0].Key))
	if !strings.HasPrefix(note, "▼") || !strings.HasSuffix(note, "% after") || level != widgets.LevelOK {
		t.Fatalf("10 samples, the median lower than before: %q (level %v)", note, level)
	}
}
