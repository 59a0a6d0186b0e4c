package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// feedAt gives every source one point at t.
func (e *env) feedAt(t time.Time) {
	for i, s := range e.board.Snapshot().Sources {
		v := 300 + float64((t.Unix()/5+int64(i))%40)*20
		e.board.Ingest(s.Name, sources.Result{Status: sources.OK, Value: &v, Unit: "ms"}, t)
	}
}

// BenchmarkView renders a full 200×60 frame with 40 series (4 of them pinned: tall charts)
// and 30 checkpoints, the target in docs/performance.md being under 1 ms.
func BenchmarkView(b *testing.B) {
	var cps []config.Checkpoint
	for i := 0; i < 30; i++ {
		cps = append(cps, config.Checkpoint{ID: fmt.Sprintf("step-%02d", i), Title: fmt.Sprintf("Step number %d of the plan", i),
			Owner: "dba", Planned: config.Duration(5 * time.Minute)})
	}
	e := newEnvPinned(b, cps, 39, 4) // 39 + old-primary = 40 series, 4 drawn tall
	now := time.Now()
	// An hour of points at 5 s for every series.
	for k := 720; k >= 0; k-- {
		e.feedAt(now.Add(-time.Duration(k) * 5 * time.Second))
	}
	m := New(e.deps(Operator))
	defer m.Close()
	m.deps.Window = time.Hour
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	if n := strings.Count(ansi.Strip(m.render()), "┤"); n < 8 {
		b.Fatalf("expected 4 tall charts (2 y-axis labels each), found %d labels", n)
	}
	b.Run("full", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m.chartsCache = nil // as after a new snapshot: every chart is drawn again
			_ = m.View()
		}
	})
	b.Run("clock-tick", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_ = m.View() // nothing but the clock changed: charts come from the cache
		}
	})
}
