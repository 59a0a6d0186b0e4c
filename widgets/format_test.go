package widgets

import (
	"math"
	"testing"
	"time"
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
	if got := formatHold(12*time.Second, 30*time.Second); got != "12/30s" {
		t.Errorf("hold = %q", got)
	}
	if got := formatHold(3*time.Minute, 5*time.Minute); got != "3/5m" {
		t.Errorf("hold = %q", got)
	}
}
