package config

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/spreadsheet"
)

// unitWords are the duration units a sheet may spell out, in seconds.
var unitWords = map[string]float64{
	"s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
	"m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
	"h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
}

var (
	spelled = regexp.MustCompile(`^\s*(?:(\d+(?:[.,]\d+)?)\s*([a-z]+)\s*)+$`)
	part    = regexp.MustCompile(`(\d+(?:[.,]\d+)?)\s*([a-z]+)`)
	clock   = regexp.MustCompile(`^(\d+):([0-5]\d)(?::([0-5]\d))?$`)
)

// maxSheetDuration is the longest planned or hold time a sheet may give: no step of a
// cutover takes a week, so a longer one is a typo (an extra digit), and past about 292 years
// a time.Duration wraps around to a negative number that would drop the cell without a word.
const maxSheetDuration = 7 * 24 * time.Hour

// sheetDuration reads a planned or hold cell: a duration-formatted cell (a spreadsheet
// time), 5m, 1h30m, 5 min, 1 h 30 min, H:MM (0:05 is five minutes), H:MM:SS, or a bare
// number of minutes, at most a week. The message, when it is not one of those, says how to
// write it.
func sheetDuration(c spreadsheet.Cell) (time.Duration, string) {
	secs, msg := sheetSeconds(c)
	if msg != "" {
		return 0, msg
	}
	if secs > maxSheetDuration.Seconds() {
		return 0, "duration " + quote(strings.TrimSpace(c.Text)) + " is more than a week: write 5m, 0:05 or 5 min"
	}
	return time.Duration(math.Round(secs)) * time.Second, ""
}

// sheetSeconds is sheetDuration's reading, in seconds (a float, so that no length overflows).
func sheetSeconds(c spreadsheet.Cell) (float64, string) {
	text := strings.TrimSpace(c.Text)
	bad := "duration " + quote(text) + ": write 5m, 0:05 or 5 min"
	switch c.Kind {
	case spreadsheet.Duration:
		if c.Number < 0 || math.IsNaN(c.Number) || math.IsInf(c.Number, 0) {
			return 0, bad
		}
		return c.Number * 86400, ""
	case spreadsheet.DateTime:
		return 0, "duration " + quote(text) + " is a date: format the column as a duration ([h]:mm) or write 5m"
	case spreadsheet.Number:
		return minutes(c.Number, bad)
	}
	low := strings.ToLower(text)
	if d, err := time.ParseDuration(low); err == nil && d >= 0 {
		return d.Seconds(), ""
	}
	if m := clock.FindStringSubmatch(low); m != nil {
		h, _ := strconv.ParseFloat(m[1], 64)
		mm, _ := strconv.Atoi(m[2])
		ss, _ := strconv.Atoi(m[3] + "0")
		return h*3600 + float64(mm*60+ss/10), ""
	}
	if f, err := strconv.ParseFloat(strings.Replace(low, ",", ".", 1), 64); err == nil {
		return minutes(f, bad)
	}
	if spelled.MatchString(low) {
		var total float64
		for _, p := range part.FindAllStringSubmatch(low, -1) {
			unit, ok := unitWords[p[2]]
			if !ok {
				return 0, bad
			}
			n, _ := strconv.ParseFloat(strings.Replace(p[1], ",", ".", 1), 64)
			total += n * unit
		}
		return total, ""
	}
	return 0, bad
}

// minutes is a bare number read as minutes, in seconds.
func minutes(f float64, bad string) (float64, string) {
	if f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, bad
	}
	return f * 60, ""
}
