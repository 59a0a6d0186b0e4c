package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
)

// why says, for check's table, what is wrong with a source whose status is st, in words: the
// source's own error ("wrong password for warroom · connect …", "status 503, expected 200"),
// else the threshold its value crossed ("1700 ms ≥ crit 1500") and its detail ("host:b
// (worst of 3)"); staleness first when that is what made it unknown.
func why(s board.SourceState, st sources.Status) string {
	var parts []string
	if s.Stale {
		parts = append(parts, "stale: no answer since "+sinceText(s.LastSuccess))
	}
	if s.Error != "" {
		// The error is the whole reason; the detail is its short form for the board.
		return strings.Join(append(parts, s.Error), " · ")
	}
	if st == sources.Warn || st == sources.Crit {
		if t := crossed(s); t != "" {
			parts = append(parts, t)
		}
	}
	if s.Detail != "" {
		parts = append(parts, s.Detail)
	}
	return strings.Join(parts, " · ")
}

// crossed names the threshold the source's value is past, "" when none is (the status then
// comes from the source itself: a stray write, a stopped thread).
func crossed(s board.SourceState) string {
	if s.Value == nil {
		return ""
	}
	th, v := s.Threshold, *s.Value
	cmp := "≥"
	if th.Below {
		cmp = "≤"
	}
	for _, lim := range []struct {
		name string
		at   *float64
	}{{"crit", th.Crit}, {"warn", th.Warn}} {
		if lim.at != nil && th.Status(v) != sources.OK && (lim.name == "warn" || th.Status(v) == sources.Crit) {
			return strings.TrimSpace(fmt.Sprintf("%s %s %s %s", formatValue(s.Value, s.Unit), cmp, lim.name, formatNumber(*lim.at)))
		}
	}
	return ""
}

func formatNumber(v float64) string { return fmt.Sprintf("%.4g", v) }

func sinceText(t time.Time) string {
	if t.IsZero() {
		return "it started"
	}
	return t.UTC().Format("15:04:05Z")
}

// placeholder reports whether se is a source's main series that only stands for the source:
// it never had a point of its own while the source reports named series (a Datadog query
// grouped by host). check --json lists such a source's named series only, each once.
func placeholder(snap *board.Snapshot, s board.SourceState, se board.SeriesState) bool {
	if se.Name != "" || len(s.Series) < 2 {
		return false
	}
	v := snap.Series(se.Key)
	if v == nil {
		return true
	}
	_, ok := v.Last()
	return !ok
}
