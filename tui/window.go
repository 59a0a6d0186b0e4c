package tui

import (
	"time"

	"github.com/warroom-dev/warroom/widgets"
)

// windows are the chart windows `[` and `]` step through; the last, 0, is the whole run.
var windows = []time.Duration{5 * time.Minute, 15 * time.Minute, time.Hour, 4 * time.Hour, 0}

// steps are the column widths a chart may take: a window's columns are the smallest of these
// that fits it in the columns there are, so columns line up with the wall clock.
var steps = []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second,
	5 * time.Second, 6 * time.Second, 10 * time.Second, 12 * time.Second, 15 * time.Second,
	20 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 3 * time.Minute,
	4 * time.Minute, 5 * time.Minute, 6 * time.Minute, 10 * time.Minute, 12 * time.Minute,
	15 * time.Minute, 20 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour,
	4 * time.Hour, 6 * time.Hour}

// niceStep is the smallest step from steps with n columns of it covering d.
func niceStep(d time.Duration, n int) time.Duration {
	for _, s := range steps {
		if s*time.Duration(n) >= d {
			return s
		}
	}
	return steps[len(steps)-1]
}

// windowIndex is the position in windows of the first window at least d (for the window the
// session opens with).
func windowIndex(d time.Duration) int {
	for i, w := range windows[:len(windows)-1] {
		if w >= d {
			return i
		}
	}
	return len(windows) - 2
}

// span is the chart window now: the chosen one, or for the whole run the time since the
// first checkpoint started (or since this session started, before that).
func (m *Model) span() time.Duration {
	if w := windows[m.win]; w > 0 {
		return w
	}
	origin := m.sheet.Started
	if origin.IsZero() || origin.After(m.now) {
		origin = m.opened
	}
	return max(m.now.Sub(origin), time.Minute)
}

// windowLabel is the window as the charts' title says it: "1h window", "whole run (2h10m)".
func (m *Model) windowLabel() string {
	if windows[m.win] == 0 {
		return "whole run (" + widgets.Short(m.span()) + ")"
	}
	return widgets.Short(m.span()) + " window"
}

// widen moves to the next window (d > 0) or the previous one (d < 0).
func (m *Model) widen(d int) {
	m.win = clamp(m.win+d, 0, len(windows)-1)
	m.chartsCache = nil
}
