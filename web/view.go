package web

import (
	"html/template"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sanitize"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/widgets"
)

// boardView is one rendering of the board: what the page template shows.
type boardView struct {
	Title, Clock    string
	Timing          string // "T+1:12 of 4:30", or "not started · window 4:30"
	Forecast        string // "forecast 3:58 (32m early)"
	ForecastClass   string // ok or crit
	Cutover         string // "cutover +0:12"
	RollingBack     bool
	Status, Glyph   string // the worst status, for the page's colour and title
	Counts          []countChip
	Checkpoints     []cpRow
	Sources         []srcRow
	Charts          []chartView
	Events          []eventRow
	Version         uint64
	MoreEventsShown int
}

type countChip struct {
	Class, Glyph, Word string
	N                  int
}

type cpRow struct {
	Class, Glyph, State, ID, Title, Owner string
	Planned, Actual, ActualClass          string
	Gate, GateClass, GateGlyph, GateWhy   string
	By, Note                              string
	Markers                               string
}

type srcRow struct {
	Class, Glyph, Name, Group, Value, Detail string
	Stale                                    bool
}

type eventRow struct {
	Class, Glyph, Time, Text string
}

type chartView struct {
	Name string
	SVG  template.HTML // from widgets.SVGChart: every text in it is escaped there
}

// maxEvents is how many events the page lists, newest first.
const maxEvents = 40

// view renders the board as of snap and the runsheet view v at now.
func (s *Server) view(snap *board.Snapshot, v runsheet.View, now time.Time) boardView {
	bv := boardView{Title: clean(s.deps.Title), Version: snap.Version, RollingBack: v.RollingBack}
	if bv.Title == "" {
		bv.Title = "warroom"
	}
	bv.Clock = now.In(s.deps.Loc).Format("15:04:05 MST")
	bv.timing(v, now)
	var c widgets.Counts
	for _, src := range snap.Sources {
		st := src.Effective()
		c.Add(widgets.Level(st))
		row := srcRow{Class: st.String(), Glyph: widgets.Glyph(widgets.Level(st)), Name: clean(src.Name), Group: src.Group,
			Stale: src.Stale, Detail: clean(firstOf(src.Error, src.Detail))}
		if src.Stale {
			row.Glyph = widgets.StaleGlyph
		}
		if src.Value != nil {
			row.Value = widgets.FormatValue(*src.Value, src.Unit)
		}
		bv.Sources = append(bv.Sources, row)
	}
	worst := snap.Status
	bv.Status, bv.Glyph = worst.String(), widgets.Glyph(widgets.Level(worst))
	for _, k := range []struct {
		n     int
		st    sources.Status
		word  string
		class string
	}{{c.Crit, sources.Crit, "crit", "crit"}, {c.Warn, sources.Warn, "warn", "warn"},
		{c.Unknown, sources.Unknown, "unknown", "unknown"}, {c.OK, sources.OK, "ok", "ok"}} {
		if k.n > 0 {
			bv.Counts = append(bv.Counts, countChip{Class: k.class, Glyph: widgets.Glyph(widgets.Level(k.st)), Word: k.word, N: k.n})
		}
	}
	for _, cp := range v.Checkpoints {
		bv.Checkpoints = append(bv.Checkpoints, checkpointRow(cp))
	}
	bv.Charts = s.charts(snap, v, now)
	bv.events(snap.Events, s.deps.Loc)
	return bv
}

// timing fills the header's T+, forecast and cutover, as the terminal board says them.
func (bv *boardView) timing(v runsheet.View, now time.Time) {
	if v.Started.IsZero() {
		bv.Timing = "not started"
		if v.Window > 0 {
			bv.Timing += " · window " + widgets.Clock(v.Window)
		}
		return
	}
	bv.Timing = "T+" + widgets.Clock(v.Elapsed)
	if v.Window > 0 {
		bv.Timing += " of " + widgets.Clock(v.Window)
	}
	if v.Forecast > 0 {
		bv.Forecast = "forecast " + widgets.Clock(v.Forecast)
		if v.Window > 0 {
			if diff := v.Forecast - v.Window; diff > 0 {
				bv.Forecast += " (" + widgets.Short(diff) + " late)"
				bv.ForecastClass = "crit"
			} else {
				bv.Forecast += " (" + widgets.Short(-diff) + " early)"
				bv.ForecastClass = "ok"
			}
		}
	}
	if !v.CutoverAt.IsZero() {
		bv.Cutover = "cutover +" + widgets.Clock(now.Sub(v.CutoverAt))
	}
}

func (bv *boardView) events(evs []board.Event, loc *time.Location) {
	for i := len(evs) - 1; i >= 0 && len(bv.Events) < maxEvents; i-- {
		e := evs[i]
		bv.Events = append(bv.Events, eventRow{Class: e.Status.String(), Glyph: widgets.Glyph(widgets.Level(e.Status)),
			Time: e.Time.In(loc).Format("15:04:05"), Text: clean(e.Text)})
	}
	if n := len(evs) - len(bv.Events); n > 0 {
		bv.MoreEventsShown = n
	}
}

// checkpointRow is one runsheet line: state, plan vs actual, the gate light with a glyph of
// its own (readable without colour), who.
func checkpointRow(c runsheet.Checkpoint) cpRow {
	r := cpRow{Class: string(c.State), State: string(c.State), ID: clean(c.ID), Title: clean(c.Title), Owner: clean(c.Owner),
		By: clean(c.By), Note: clean(c.Note)}
	r.Glyph = map[runsheet.State]string{runsheet.Pending: "○", runsheet.Running: "▶", runsheet.Done: "✓",
		runsheet.Failed: "✕", runsheet.Skipped: "↷"}[c.State]
	if c.Planned > 0 {
		r.Planned = widgets.Short(c.Planned)
	}
	if !c.StartedAt.IsZero() {
		r.Actual = widgets.Short(c.Actual)
		if c.Overrun {
			r.ActualClass = "crit"
		}
	}
	if c.Gate.Expr != "" {
		switch c.Gate.Light {
		case runsheet.Green:
			r.GateGlyph, r.Gate, r.GateClass = "●", "holds", "ok"
		case runsheet.Amber:
			r.GateGlyph, r.Gate, r.GateClass = "◐", "holding "+c.Gate.Progress().String(), "warn"
		case runsheet.Red:
			r.GateGlyph, r.Gate, r.GateClass = "✕", "fails", "crit"
		default:
			r.GateGlyph, r.Gate, r.GateClass = "?", "unknown", "unknown"
		}
		r.GateWhy = clean(c.Gate.Failing)
	}
	switch {
	case c.Override:
		r.Markers = "override: " + clean(c.OverrideReason)
	case c.Cutover:
		r.Markers = "cutover"
	case c.PointOfNoReturn:
		r.Markers = "point of no return"
	}
	return r
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// clean strips control and escape sequences; the template escapes HTML.
func clean(s string) string { return sanitize.Line(s) }

// holdEnd is when the first of the gates holding in v as of now completes its hold; zero
// when none is holding.
func holdEnd(v runsheet.View, now time.Time) time.Time {
	var first time.Time
	for _, c := range v.Checkpoints {
		if g := c.Gate; g.Light == runsheet.Amber {
			if end := now.Add(g.Hold - g.Held); first.IsZero() || end.Before(first) {
				first = end
			}
		}
	}
	return first
}
