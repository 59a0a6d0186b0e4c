package report

import (
	"time"

	"github.com/warroom-dev/warroom/runsheet"
)

// CheckpointRow is one checkpoint, planned and actual.
type CheckpointRow struct {
	ID, Title, Owner string
	State            string
	Planned, Actual  time.Duration
	// PlannedStart and PlannedEnd are the plan laid from the run's actual start: each
	// checkpoint after its dependencies, for its planned duration.
	PlannedStart, PlannedEnd time.Time
	Start, End               time.Time
	Critical                 bool // on the plan's critical path
	Cutover, NoReturn        bool
	By, Note                 string
	Override                 bool
	Reason                   string
	Rehearsal                time.Duration // the rehearsal's actual duration; 0 when none
	deps                     []int
}

// Action is one transition, for "who did what".
type Action struct {
	At         time.Time
	By         string
	What       string // start, done, fail, skip, reopen, rollback, resume
	Checkpoint string
	Note       string
}

// foldCheckpoints applies the transitions to the plan.
func (d *Data) foldCheckpoints() ([]CheckpointRow, []Action) {
	rows := make([]CheckpointRow, len(d.Plan.Checkpoints))
	idx := map[string]int{}
	for i, c := range d.Plan.Checkpoints {
		rows[i] = CheckpointRow{ID: c.ID, Title: c.Title, Owner: c.Owner, State: string(runsheet.Pending),
			Planned: c.Planned.D(), Cutover: c.Cutover, NoReturn: c.PointOfNoReturn, Rehearsal: c.Rehearsal.D()}
		idx[c.ID] = i
	}
	for i, c := range d.Plan.Checkpoints {
		if c.After == nil {
			if i > 0 {
				rows[i].deps = []int{i - 1}
			}
			continue
		}
		for _, a := range c.After {
			if j, ok := idx[a]; ok && j != i {
				rows[i].deps = append(rows[i].deps, j)
			}
		}
	}
	var acts []Action
	for _, t := range d.Transitions {
		acts = append(acts, Action{At: t.At, By: t.By, What: string(t.Action), Checkpoint: t.Checkpoint, Note: noteOf(t)})
		i, ok := idx[t.Checkpoint]
		if !ok {
			continue
		}
		r := &rows[i]
		r.By, r.Note = t.By, t.Note
		switch t.Action {
		case runsheet.Start:
			r.State, r.Start, r.End = string(runsheet.Running), t.At, time.Time{}
		case runsheet.Finish:
			r.State, r.End = string(runsheet.Done), t.At
			if t.Override {
				r.Override, r.Reason = true, t.Reason
			}
		case runsheet.Fail:
			r.State, r.End = string(runsheet.Failed), t.At
		case runsheet.Skip:
			r.State, r.End = string(runsheet.Skipped), t.At
		case runsheet.Reopen:
			r.State, r.Start, r.End = string(runsheet.Pending), time.Time{}, time.Time{}
		}
	}
	for i := range rows {
		r := &rows[i]
		switch {
		case !r.Start.IsZero() && !r.End.IsZero():
			r.Actual = r.End.Sub(r.Start)
		case !r.Start.IsZero():
			r.Actual = d.Last.Sub(r.Start) // still running when the recording ends
		}
	}
	return rows, acts
}

func noteOf(t runsheet.Transition) string {
	if t.Override {
		return "override: " + t.Reason
	}
	return t.Note
}

// schedule lays the plan from start and marks the critical path; it returns the plan's end.
func schedule(rows []CheckpointRow, start time.Time) time.Time {
	done := make([]bool, len(rows))
	for pass := 0; pass <= len(rows); pass++ {
		for i := range rows {
			if done[i] {
				continue
			}
			ready, at := true, start
			for _, j := range rows[i].deps {
				if !done[j] {
					ready = false
					break
				}
				if rows[j].PlannedEnd.After(at) {
					at = rows[j].PlannedEnd
				}
			}
			if ready {
				rows[i].PlannedStart, rows[i].PlannedEnd, done[i] = at, at.Add(rows[i].Planned), true
			}
		}
	}
	last, end := -1, start
	for i, r := range rows {
		if done[i] && !r.PlannedEnd.Before(end) {
			last, end = i, r.PlannedEnd
		}
	}
	for last >= 0 { // walk back along the dependency that ends last
		rows[last].Critical = true
		next := -1
		for _, j := range rows[last].deps {
			if next < 0 || rows[j].PlannedEnd.After(rows[next].PlannedEnd) {
				next = j
			}
		}
		last = next
	}
	return end
}
