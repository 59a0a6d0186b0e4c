package runsheet

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// BenchmarkApply is one transition: lock, read what others appended, validate, append,
// fsync, unlock. The fsync dominates and depends on the disk.
func BenchmarkApply(b *testing.B) {
	s, err := Open(procPlan(b.TempDir()+"/j"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	actions := [2]Action{Start, Reopen}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Apply(ctx, Transition{Checkpoint: "a", Action: actions[i%2], By: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRefreshIdle is one watch tick while nothing changed: is the path still the open
// file, and did it change.
func BenchmarkRefreshIdle(b *testing.B) {
	s, err := Open(procPlan(b.TempDir()+"/j"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Refresh()
	}
}

// bigSheet is 30 gated checkpoints over 100 sources on a real board.
func bigSheet(b *testing.B) (*Sheet, *board.Snapshot) {
	var infos []board.Info
	for i := 0; i < 100; i++ {
		infos = append(infos, board.Info{Name: fmt.Sprintf("db%d", i), Kind: "mysql", Group: "db", Interval: time.Second})
	}
	bd := board.New(infos, board.Options{})
	for i := 0; i < 100; i++ {
		bd.Ingest(fmt.Sprintf("db%d", i), sources.Result{Status: sources.OK, Value: sources.Float(0.5),
			Facts: map[string]any{"lag_s": 0.5, "read_only": i%2 == 0, "stray_writes": false, "role": "replica"}}, time.Now())
	}
	rs := config.Runsheet{Journal: b.TempDir() + "/j", Window: config.Duration(4 * time.Hour)}
	for i := 0; i < 30; i++ {
		rs.Checkpoints = append(rs.Checkpoints, config.Checkpoint{ID: fmt.Sprintf("c%d", i), Title: "step",
			Planned: config.Duration(10 * time.Minute), Hold: config.Duration(time.Second),
			Gate: fmt.Sprintf(`db["db%d"].lag_s != nil && db["db%d"].lag_s < 1 && !db["db%d"].stray_writes`, i, i+1, i+2)})
	}
	s, err := Open(rs, Options{Board: bd})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s, bd.Snapshot()
}

// BenchmarkEvaluate is one snapshot's worth of gate evaluation: 30 gates, 100 sources.
func BenchmarkEvaluate(b *testing.B) {
	s, snap := bigSheet(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Evaluate(snap)
	}
}

// BenchmarkView is what a frame asks of the runsheet: 30 checkpoints with gates and timing.
func BenchmarkView(b *testing.B) {
	s, snap := bigSheet(b)
	s.Evaluate(snap)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = s.View()
	}
}
