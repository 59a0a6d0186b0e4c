package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/widgets"
)

// table is one section's table, rendered by both outputs.
type table struct {
	head []string
	rows [][]string
	none string // said instead of an empty table
}

// section is a titled part of the report: text lines, a table, maybe an image.
type section struct {
	title string
	lines []string
	table *table
}

func summaryTable(r *Report) *table {
	s := r.Summary
	t := &table{head: []string{"", ""}}
	add := func(k, v string) { t.rows = append(t.rows, []string{k, v}) }
	add("Recorded", window(s.RecordedFrom, s.RecordedTo))
	planned := window(s.PlannedStart, s.PlannedEnd)
	if s.Window > 0 {
		planned += " (announced window " + dur(s.Window) + ")"
	}
	add("Planned window", planned)
	actual := "not finished in the recording"
	if !s.ActualStart.IsZero() && !s.ActualEnd.IsZero() {
		actual = window(s.ActualStart, s.ActualEnd)
		if d := s.ActualEnd.Sub(s.PlannedEnd); d > 0 {
			actual += " — " + dur(d) + " over the plan"
		} else {
			actual += " — " + dur(-d) + " within the plan"
		}
	} else if !s.ActualStart.IsZero() {
		actual = "from " + stamp(s.ActualStart) + ", " + actual
	}
	add("Actual window", actual)
	add("Cutover", orNot(s.Cutover, "not reached"))
	ponr := orNot(s.NoReturn, "not passed")
	if s.NoReturnID != "" {
		ponr += " (" + s.NoReturnID + ")"
	}
	add("Point of no return", ponr)
	rb := countOr(r.RollbacksStarted, "none")
	if n := len(r.Rollbacks) - r.RollbacksStarted; n > 0 {
		rb += fmt.Sprintf(" (%d called off)", n)
	}
	add("Rollbacks", rb)
	add("Overrides", countOr(len(r.Overrides), "none"))
	return t
}

func checkpointTable(r *Report) *table {
	t := &table{head: []string{"checkpoint", "owner", "state", "planned"}}
	if r.Rehearsal {
		t.head = append(t.head, "rehearsal")
	}
	t.head = append(t.head, "actual", "Δ", "planned start", "started", "ended", "by", "path")
	for _, c := range r.Checkpoints {
		row := []string{c.ID + " · " + c.Title, c.Owner, c.State, dur(c.Planned)}
		if r.Rehearsal {
			row = append(row, durOr(c.Rehearsal))
		}
		delta := "–"
		if !c.Start.IsZero() {
			delta = signed(c.Actual - c.Planned)
		}
		path := ""
		if c.Critical {
			path = "critical"
		}
		if c.Cutover {
			path = strings.TrimSpace(path + " cutover")
		}
		if c.NoReturn {
			path = strings.TrimSpace(path + " no return")
		}
		if c.Override {
			path = strings.TrimSpace(path + " override")
		}
		row = append(row, durOrStarted(c), delta, clock(c.PlannedStart), clock(c.Start), clock(c.End), c.By, path)
		t.rows = append(t.rows, row)
	}
	t.none = "The runsheet has no checkpoints."
	return t
}

func actionsTable(r *Report) *table {
	t := &table{head: []string{"time", "who", "did", "checkpoint", "note"}, none: "Nobody changed the runsheet."}
	for _, a := range r.Actions {
		t.rows = append(t.rows, []string{clock(a.At), a.By, a.What, a.Checkpoint, a.Note})
	}
	return t
}

func overridesTable(r *Report) *table {
	t := &table{head: []string{"checkpoint", "done at", "by", "reason"}, none: "No gate was overridden."}
	for _, c := range r.Overrides {
		t.rows = append(t.rows, []string{c.ID, clock(c.End), c.By, c.Reason})
	}
	return t
}

func rollbacksTable(r *Report) *table {
	t := &table{head: []string{"time", "who", "what", "note"}, none: "No rollback was started."}
	for _, a := range r.Rollbacks {
		t.rows = append(t.rows, []string{clock(a.At), a.By, a.What, a.Note})
	}
	return t
}

func periodsTable(r *Report) *table {
	t := &table{head: []string{"source", "status", "start", "end", "duration", "why"}, none: "No source was ever warn or crit."}
	for _, p := range r.Periods {
		end := clock(p.End)
		if p.Open {
			end = "still at the end"
		}
		t.rows = append(t.rows, []string{p.Source, p.Status, clock(p.Start), end, dur(p.Duration()), p.Why})
	}
	return t
}

func straysTable(r *Report) *table {
	t := &table{head: []string{"node", "from", "until", "errant GTIDs"}, none: "No stray writes."}
	for _, s := range r.Strays {
		end := clock(s.End)
		if s.End.IsZero() {
			end = "still at the end"
		}
		t.rows = append(t.rows, []string{s.Source, clock(s.Start), end, s.GTIDs})
	}
	return t
}

func flipsTable(r *Report, kind, none string) *table {
	t := &table{head: []string{"time", "source", "from", "to"}, none: none}
	for _, f := range r.Flips {
		if f.Kind == kind {
			t.rows = append(t.rows, []string{clock(f.At), f.Source, f.From, f.To})
		}
	}
	return t
}

func metricsTable(r *Report) *table {
	t := &table{head: []string{"series", "median before", "p95 before", "median after", "p95 after", "verdict"}, none: "No series with values."}
	for _, m := range r.Metrics {
		t.rows = append(t.rows, []string{m.Series, val(m.BeforeMedian, m.Unit), val(m.BeforeP95, m.Unit),
			val(m.AfterMedian, m.Unit), val(m.AfterP95, m.Unit), m.Verdict})
	}
	return t
}

// sections are the report's parts, in order, before the charts.
func sections(r *Report) []section {
	return []section{
		{title: "Summary", table: summaryTable(r)},
		{title: "Plan vs actual", table: checkpointTable(r)},
		{title: "Who did what", table: actionsTable(r)},
		{title: "Overrides", table: overridesTable(r)},
		{title: "Rollbacks", table: rollbacksTable(r)},
		{title: "Crit and warn periods", table: periodsTable(r)},
		{title: "Stray writes", table: straysTable(r)},
		{title: "DNS flips", table: flipsTable(r, "dns", "No DNS answer changed.")},
		{title: "Served-by flips", table: flipsTable(r, "served-by", "No backend change seen.")},
		{title: "Before and after the cutover", table: metricsTable(r)},
	}
}

func val(v float64, unit string) string {
	if math.IsNaN(v) {
		return "–"
	}
	return widgets.FormatValue(v, unit)
}

func window(a, b time.Time) string {
	if a.IsZero() {
		return "–"
	}
	return stamp(a) + " → " + clock(b) + " (" + dur(b.Sub(a)) + ")"
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

func orNot(t time.Time, not string) string {
	if t.IsZero() {
		return not
	}
	return clock(t)
}

func countOr(n int, none string) string {
	if n == 0 {
		return none
	}
	return strconv.Itoa(n)
}

func durOr(d time.Duration) string {
	if d <= 0 {
		return "–"
	}
	return dur(d)
}

func durOrStarted(c CheckpointRow) string {
	if c.Start.IsZero() {
		return "–"
	}
	s := dur(c.Actual)
	if c.End.IsZero() {
		s += " (running)"
	}
	return s
}

func signed(d time.Duration) string {
	if d < 0 {
		return "−" + dur(-d)
	}
	return "+" + dur(d)
}
