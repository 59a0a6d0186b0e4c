package widgets

import (
	"math"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/runsheet"
)

func TestFormatValue(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		unit string
		want string
	}{
		{412, "ms", "412 ms"},
		{2100, "ms", "2.1 s"},
		{0.4, "s", "0.4 s"},
		{0.412, "s", "0.41 s"},
		{90, "s", "1m30s"},
		{7500, "s", "2h05m"},
		{1200, "", "1.2k"},
		{12345, "req/s", "12k req/s"},
		{3.4e6, "", "3.4M"},
		{97.25, "%", "97%"},
		{0, "", "0"},
		{-2.5, "ms", "-2.5 ms"},
		{0.042, "s", "0.042 s"},
		{0.0004, "", "4e-04"},
		{999.7, "", "1k"},
		{math.NaN(), "ms", "–"},
		{math.Inf(1), "", "–"},
		{5, "a\x1b[2Jvery long unit", "5 avery l…"},
	} {
		if got := FormatValue(tc.v, tc.unit); got != tc.want {
			t.Errorf("FormatValue(%v, %q) = %q, want %q", tc.v, tc.unit, got, tc.want)
		}
	}
}

func TestFormatDurations(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, ""}, {300 * time.Millisecond, "<1s"}, {30 * time.Second, "30s"}, {4 * time.Minute, "4m"}, {65 * time.Minute, "1h05m"},
	} {
		if got := formatDur(tc.d); got != tc.want {
			t.Errorf("formatDur(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// TestGateHoldText: a holding gate's row shows the hold as runsheet.HoldProgress renders it
// (the figures a refused done and the web page print): truncated, so 29.6 s of 30 s is
// 29/30s, and a 2m30s hold counts in seconds instead of a contradictory 2/2m.
func TestGateHoldText(t *testing.T) {
	for _, tc := range []struct {
		held, hold time.Duration
		want       string
	}{
		{12 * time.Second, 30 * time.Second, "12/30s"},
		{29600 * time.Millisecond, 30 * time.Second, "29/30s"},
		{3 * time.Minute, 5 * time.Minute, "3/5m"},
		{130 * time.Second, 150 * time.Second, "130/150s"},
	} {
		g := runsheet.Gate{Expr: "x", Light: runsheet.Amber, Held: tc.held, Hold: tc.hold}
		if glyph, _, text := gateLook(g, false); glyph != "◐" || text != tc.want {
			t.Errorf("held %s of %s: %s %q, want ◐ %q", tc.held, tc.hold, glyph, text, tc.want)
		}
	}
}
