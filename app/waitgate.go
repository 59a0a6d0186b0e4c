package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
)

// WaitGate polls the sources checkpoint id's gate reads and evaluates the gate until it is
// green, red or grey, or has had its hold time plus a minute to turn green. Progress lines
// go to w.
//
// Each source is polled on its own interval, as the running board polls it (Datadog's rate
// limit is shared with every board watching the same organisation). While the gate holds,
// WaitGate also wakes when the hold completes, so a done waits out the hold and not the
// next poll. Before every evaluation the board re-checks staleness, as the running board
// does each second: facts a source has not renewed within twice its interval are unknown,
// and a done is never admitted on them.
func (a *App) WaitGate(ctx context.Context, id string, w io.Writer) error {
	jobs := a.jobsFor(a.Sheet.GateSources(id))
	if len(jobs) == 0 {
		return nil // no gate, or a gate on checkpoints only
	}
	due := make([]time.Time, len(jobs)) // when each job is next polled; zero: now
	var deadline time.Time
	last := ""
	for {
		a.pollDue(ctx, jobs, due)
		now := a.now()
		a.Board.Tick(now)
		a.Sheet.Evaluate(a.Board.Snapshot())
		g, ok := a.gate(id)
		if !ok || g.Expr == "" || g.Light != runsheet.Amber {
			return nil // green, red or grey: Apply decides and says why
		}
		if deadline.IsZero() {
			deadline = now.Add(g.Hold + time.Minute)
		}
		if line := fmt.Sprintf("gate of %s holds %s…\n", id, g.Progress()); line != last {
			fmt.Fprint(w, line)
			last = line
		}
		if now.After(deadline) {
			return nil
		}
		wake := now.Add(g.Hold - g.Held) // the hold's end
		for _, d := range due {
			wake = earliest(wake, d)
		}
		t := time.NewTimer(wake.Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// pollDue polls, together, the jobs whose time has come and sets when each is next due:
// its interval (at least one scheduler slot) after the poll.
func (a *App) pollDue(ctx context.Context, jobs []sources.Job, due []time.Time) {
	now := a.now()
	var run []sources.Job
	var idx []int
	for i, j := range jobs {
		if !due[i].After(now) {
			run, idx = append(run, j), append(idx, i)
		}
	}
	if len(run) == 0 {
		return
	}
	for _, r := range sources.PollOnce(ctx, run) {
		a.Board.Ingest(r.Source, r.Result, a.now())
	}
	after := a.now()
	for _, i := range idx {
		due[i] = after.Add(max(jobs[i].Interval, sources.Slot))
	}
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func (a *App) gate(id string) (runsheet.Gate, bool) {
	for _, c := range a.Sheet.View().Checkpoints {
		if c.ID == id {
			return c.Gate, true
		}
	}
	return runsheet.Gate{}, false
}
