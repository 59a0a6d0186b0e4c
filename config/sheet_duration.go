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

// sheetDuration reads a planned or hold cell: a duration-formatted cell (a spreadsheet
// time), 5m, 1h30m, 5 min, 1 h 30 min, H:MM (0:05 is five minutes), H:MM:SS, or a bare
// number of minutes. The message, when it is not one of those, says how to write it.
func sheetDuration(c spreadsheet.Cell) (time.Duration, string) {
	text := strings.TrimSpace(c.Text)
	bad := "duration " + quote(text) + ": write 5m, 0:05 or 5 min"
	switch c.Kind {
	case spreadsheet.Duration:
		if c.Number < 0 {
			return 0, bad
		}
		return c.AsDuration(), ""
	case spreadsheet.DateTime:
		return 0, "duration " + quote(text) + " is a date: format the column as a duration ([h]:mm) or write 5m"
	case spreadsheet.Number:
		return minutes(c.Number, bad)
	}
	low := strings.ToLower(text)
	if d, err := time.ParseDuration(low); err == nil && d >= 0 {
		return d, ""
	}
	if m := clock.FindStringSubmatch(low); m != nil {
		h, _ := strconv.Atoi(m[1])
		mm, _ := strconv.Atoi(m[2])
		ss, _ := strconv.Atoi(m[3] + "0")
		return time.Duration(h)*time.Hour + time.Duration(mm)*time.Minute + time.Duration(ss/10)*time.Second, ""
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
		return time.Duration(math.Round(total)) * time.Second, ""
	}
	return 0, bad
}

// minutes is a bare number read as minutes.
func minutes(f float64, bad string) (time.Duration, string) {
	if f < 0 || math.IsNaN(f) || f > 7*24*60 {
		return 0, bad
	}
	return time.Duration(math.Round(f*60)) * time.Second, ""
}
