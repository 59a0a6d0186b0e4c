package tui

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/warroom-dev/warroom/config"
)

// TestHoldRowOnTheClock: the runsheet row counts a hold with the clock, on the frame tick,
// with no new poll: 29.6 s into a 30 s hold it reads 29/30s (truncated, as a refused done
// says "held 29s of 30s"), and the first frame at 30 s draws the gate held.
func TestHoldRowOnTheClock(t *testing.T) {
	var clock atomic.Int64
	t0 := time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)
	clock.Store(t0.UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	cps := plan()
	cps[1].Hold = config.Duration(30 * time.Second)
	e := newEnvAt(t, cps, 0, now)
	e.feed(now(), true) // the gate holds from t0
	m := newModel(t, e, Operator, 120, 40)
	row := func() string {
		for _, l := range strings.Split(ansi.Strip(m.render()), "\n") {
			if strings.Contains(l, "○ freeze ") {
				return l
			}
		}
		t.Fatalf("no freeze row on screen:\n%s", ansi.Strip(m.render()))
		return ""
	}
	clock.Store(t0.Add(29600 * time.Millisecond).UnixNano())
	m.Update(tickMsg(now()))
	if r := row(); !strings.Contains(r, "◐ 29/30s") {
		t.Errorf("29.6 s into the hold the row is %q, want ◐ 29/30s", r)
	}
	clock.Store(t0.Add(30 * time.Second).UnixNano())
	m.Update(tickMsg(now()))
	if r := row(); !strings.Contains(r, "●") || strings.Contains(r, "◐") {
		t.Errorf("at 30 s the row is %q, want the gate held (●)", r)
	}
}
