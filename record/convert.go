package record

import (
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// Runsheet is the plan as config, with its journal at journal (a replay's own).
func (p Plan) Runsheet(journal string) config.Runsheet {
	rs := config.Runsheet{Journal: journal, Window: config.Duration(p.Window.D())}
	for _, c := range p.Checkpoints {
		rs.Checkpoints = append(rs.Checkpoints, config.Checkpoint{ID: c.ID, Title: c.Title, Owner: c.Owner,
			Planned: config.Duration(c.Planned.D()), After: c.After, Gate: c.Gate, Hold: config.Duration(c.Hold.D()),
			Expect: c.Expect, Cutover: c.Cutover, PointOfNoReturn: c.PointOfNoReturn, Command: c.Command, Rollback: c.Rollback})
	}
	return rs
}

// Info is the source as the board describes it.
func (s Source) Info() board.Info {
	return board.Info{Name: s.Name, Kind: s.Kind, Group: s.Group, Unit: s.Unit, Interval: s.Interval.D(),
		Threshold: sources.Threshold{Warn: s.Warn, Crit: s.Crit, Below: s.Below}}
}

// Poll converts a recorded result back into what the source returned.
func (r *Result) Poll() sources.Result {
	st, _ := sources.ParseStatus(r.Status)
	out := sources.Result{Status: st, Value: r.Value, Unit: r.Unit, Error: r.Error, Failed: r.Failed,
		Detail: r.Detail, Facts: r.Facts, Events: r.Events}
	for _, s := range r.Series {
		sst, _ := sources.ParseStatus(s.Status)
		sr := sources.SeriesResult{Name: s.Name, Unit: s.Unit, Status: sst, Value: s.Value}
		for _, p := range s.Points {
			sr.Points = append(sr.Points, sources.Point{Time: p.Time, Value: p.Value, Null: p.Null})
		}
		out.Series = append(out.Series, sr)
	}
	return out
}

// BoardEvent converts a recorded event back into the board's.
func (e *Event) BoardEvent() board.Event {
	st, _ := sources.ParseStatus(e.Status)
	return board.Event{Time: e.At, Status: st, Source: e.Source, Kind: e.Kind, Text: e.Text}
}

// At is when the line happened (zero for a line without a time).
func (l Line) At() (t0 time.Time) {
	switch {
	case l.Header != nil:
		return l.Header.Started
	case l.Result != nil:
		return l.Result.At
	case l.Event != nil:
		return l.Event.At
	case l.Transition != nil:
		return l.Transition.At
	case l.End != nil:
		return l.End.At
	}
	return t0
}
