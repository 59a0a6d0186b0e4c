package app

import (
	"testing"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
)

// TestWhySaysWhatIsWrong: the reason in check's table is the source's error, else the
// threshold its value crossed, then its detail; staleness first.
func TestWhySaysWhatIsWrong(t *testing.T) {
	f := sources.Float
	src := func(v *float64, unit string, th sources.Threshold, err, detail string, stale bool) board.SourceState {
		return board.SourceState{Info: board.Info{Unit: unit, Threshold: th}, Value: v, Error: err, Detail: detail, Stale: stale}
	}
	for _, c := range []struct {
		s    board.SourceState
		st   sources.Status
		want string
	}{
		{src(f(1700), "ms", sources.Threshold{Warn: f(800), Crit: f(1500)}, "", "", false), sources.Crit, "1700 ms ≥ crit 1500"},
		{src(f(900), "ms", sources.Threshold{Warn: f(800), Crit: f(1500)}, "", "host:b (worst of 3)", false), sources.Warn, "900 ms ≥ warn 800 · host:b (worst of 3)"},
		{src(f(2), "", sources.Threshold{Warn: f(5), Below: true}, "", "", false), sources.Warn, "2 ≤ warn 5"},
		{src(nil, "s", sources.Threshold{}, "wrong password for warroom · connect warroom:***@tcp(h)/", "DOWN · wrong password for warroom", false), sources.Crit,
			"wrong password for warroom · connect warroom:***@tcp(h)/"},
		{src(f(0), "s", sources.Threshold{}, "", "STRAY WRITE since 10:12:03 · WRITABLE, expected read-only", false), sources.Crit, "STRAY WRITE since 10:12:03 · WRITABLE, expected read-only"},
		{src(f(1), "", sources.Threshold{}, "", "", true), sources.Unknown, "stale: no answer since it started"},
	} {
		if got := why(c.s, c.st); got != c.want {
			t.Errorf("why = %q, want %q", got, c.want)
		}
	}
}
