package runsheet

import (
	"context"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// TestRefusalTruncatesTheHold: a done refused 29.6 s into a 30 s hold says "held 29s of
// 30s", not a rounded "held 30s of 30s" that reads as a hold complete and refused; at 30 s
// the done goes through as held.
func TestRefusalTruncatesTheHold(t *testing.T) {
	w := newGateWorld(t)
	do(t, w.s, "freeze", Skip, "not this test")
	do(t, w.s, "catch-up", Start)
	w.db("cloud-writer", sources.OK, map[string]any{"lag_s": 0.4})
	w.want("catch-up", Amber, "")
	w.clk.Advance(29600 * time.Millisecond)
	const want = "gate holding: held 29s of 30s (override with a reason to mark it done anyway)"
	if got := refused(t, w.s, Transition{Checkpoint: "catch-up", Action: Finish}); got != want {
		t.Fatalf("done at 29.6 s: %q, want %q", got, want)
	}
	w.clk.Advance(400 * time.Millisecond)
	tr, err := w.s.Commit(context.Background(), Transition{Checkpoint: "catch-up", Action: Finish, By: "sam"})
	if err != nil || tr.Gate != "held" || tr.Override {
		t.Fatalf("done at 30 s: %+v %v, want admitted as held", tr, err)
	}
}

// TestHoldProgress: the held figure is truncated and the hold's rounded up, in one unit, so
// that "N of N" never shows while a gate is holding, whatever the hold.
func TestHoldProgress(t *testing.T) {
	s, m := time.Second, time.Minute
	for _, c := range []struct {
		held, hold   time.Duration
		words, short string
	}{
		{29600 * time.Millisecond, 30 * s, "29s of 30s", "29/30s"},
		{30 * s, 30 * s, "30s of 30s", "30/30s"},
		{0, 30 * s, "0s of 30s", "0/30s"},
		{-s, 30 * s, "0s of 30s", "0/30s"},
		{119 * s, 2 * m, "1m of 2m", "1/2m"},
		{5*m - time.Millisecond, 5 * m, "4m of 5m", "4/5m"},
		{130 * s, 150 * s, "130s of 150s", "130/150s"}, // 2m30s in minutes would read 2/2m
		{1200 * time.Millisecond, 1500 * time.Millisecond, "1s of 2s", "1/2s"},
		{59*m + 59*s, time.Hour, "59m of 60m", "59/60m"},
	} {
		p := NewHoldProgress(c.held, c.hold)
		if p.String() != c.words || p.Short() != c.short {
			t.Errorf("held %s of %s: %q / %q, want %q / %q", c.held, c.hold, p, p.Short(), c.words, c.short)
		}
		if p.Held >= p.Hold && c.held < c.hold {
			t.Errorf("held %s of %s shows %s: as if complete", c.held, c.hold, p)
		}
	}
}
