package widgets

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// FormatValue renders a value with its unit for a person: 412 ms, 2.1 s, 0.4 s, 1m30s,
// 1.2k req/s, 97%. Milliseconds of 1000 or more become seconds and seconds of 60 or more
// become minutes; other units are kept as given (sanitized, at most 8 cells). NaN and
// infinities render as "–".
func FormatValue(v float64, unit string) string {
	return formatValue(v, clean(unit), " ")
}

// formatCompact is FormatValue without the space before the unit, and without units longer
// than two cells: for the min/max column.
func formatCompact(v float64, unit string) string {
	if textWidth(unit) > 2 {
		unit = ""
	}
	return formatValue(v, unit, "")
}

func formatValue(v float64, unit, sep string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if unit == "ms" && math.Abs(v) >= 1000 {
		v, unit = v/1000, "s"
	}
	if unit == "s" && math.Abs(v) >= 60 {
		return formatMinutes(v)
	}
	n := formatNum(v)
	switch unit {
	case "":
		return n
	case "%":
		return n + "%"
	}
	return n + sep + truncate(unit, 8)
}

// formatMinutes renders seconds of a minute or more as 1m30s or 2h05m.
func formatMinutes(sec float64) string {
	sign := ""
	if sec < 0 {
		sign, sec = "-", -sec
	}
	d := time.Duration(math.Round(sec)) * time.Second
	if d >= 1000*time.Hour {
		return sign + ">999h"
	}
	if d < time.Hour {
		return fmt.Sprintf("%s%dm%02ds", sign, int(d/time.Minute), int(d%time.Minute/time.Second))
	}
	return fmt.Sprintf("%s%dh%02dm", sign, int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// formatNum renders a number in at most about five characters: 0.041, 0.41, 2.1, 412,
// 1.2k, 12k, 3.4M.
func formatNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	switch {
	case v == 0:
		return "0"
	case v < 0.001:
		return sign + strconv.FormatFloat(v, 'e', 0, 64)
	case v < 0.1:
		return sign + trimZeros(strconv.FormatFloat(v, 'f', 3, 64))
	case v < 0.995:
		return sign + trimZeros(strconv.FormatFloat(v, 'f', 2, 64))
	case v < 9.95:
		return sign + trimZeros(strconv.FormatFloat(v, 'f', 1, 64))
	case v < 999.5:
		return sign + strconv.FormatFloat(v, 'f', 0, 64)
	}
	for _, s := range []string{"k", "M", "G", "T"} {
		v /= 1000
		switch {
		case v < 9.95:
			return sign + trimZeros(strconv.FormatFloat(v, 'f', 1, 64)) + s
		case v < 999.5:
			return sign + strconv.FormatFloat(v, 'f', 0, 64) + s
		}
	}
	return sign + ">999T"
}

func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// formatDur renders a checkpoint duration: 45s, 4m, 1h05m. Zero renders empty.
func formatDur(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d < time.Second:
		return "<1s"
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d >= 1000*time.Hour:
		return ">999h"
	}
	return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// Clock renders elapsed time as the header writes it: H:MM:SS, or M:SS under an hour;
// negative is 0:00.
func Clock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// Short renders a forecast's margin: "32m", "1h", "1h05m" or "40s".
func Short(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", int(d.Hours()))
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}
