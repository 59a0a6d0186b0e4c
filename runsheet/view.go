package runsheet

import (
	"fmt"
	"sort"
	"time"
)

// View returns an immutable view of the runsheet now.
func (s *Sheet) View() View {
	now := s.opt.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &s.st
	v := View{
		Window: s.window, Started: st.started, RollingBack: st.rollingBack, Seq: st.seq,
		RollbackBy: st.rollbackBy, RollbackAt: st.rollbackAt, RollbackNote: st.rollbackNote,
		Checkpoints: make([]Checkpoint, len(s.plan.cps)),
	}
	v.Warnings = append(v.Warnings, s.warnings...)
	if s.tornWarn != "" {
		v.Warnings = append(v.Warnings, s.tornWarn)
	}
	v.Warnings = append(v.Warnings, s.missingBaselines()...)
	noReturn := -1
	v.Finished = len(s.plan.cps) > 0
	for i, cp := range s.plan.cps {
		c := st.cps[i]
		out := Checkpoint{
			ID: cp.ID, Title: cp.Title, Owner: cp.Owner, Planned: cp.Planned.D(), After: s.plan.afterIDs(i),
			State: c.state, StartedAt: c.startedAt, EndedAt: c.endedAt, By: c.by, Note: c.note,
			Override: c.override, OverrideReason: c.overrideReason, Cutover: cp.Cutover,
			PointOfNoReturn: cp.PointOfNoReturn, Command: cp.Command, Rollback: cp.Rollback,
			Gate: s.gateView(i, now), Expect: cp.Expect,
		}
		switch {
		case c.state == Running:
			out.Actual = now.Sub(c.startedAt)
		case !c.startedAt.IsZero() && !c.endedAt.IsZero():
			out.Actual = c.endedAt.Sub(c.startedAt)
		}
		out.Overrun = out.Planned > 0 && out.Actual > out.Planned
		if c.state == Pending {
			for _, d := range s.plan.deps[i] {
				if ds := st.cps[d].state; ds != Done && ds != Skipped {
					out.Blocked = append(out.Blocked, s.plan.cps[d].ID)
				}
			}
			out.CanStart = len(out.Blocked) == 0
		}
		if c.state == Done && cp.Cutover {
			v.CutoverAt = c.endedAt
		}
		if c.state == Done && cp.PointOfNoReturn {
			v.PastNoReturn, noReturn = true, i
		}
		if c.state != Done && c.state != Skipped {
			v.Finished = false
		}
		v.Checkpoints[i] = out
	}
	for i := 0; i <= noReturn; i++ {
		v.Checkpoints[i].RollbackVoid = true
	}
	v.Elapsed, v.Forecast = s.timing(now, v.Finished)
	return v
}

// timing computes the elapsed time and the forecast: for each checkpoint in dependency
// order, when it ends — done or skipped: when it did; running: its start plus the larger of
// planned and actual so far; otherwise (pending, failed): after now and after its
// dependencies, plus its planned duration. The forecast is the latest end, measured from
// the first start (or from now, before anything started). The caller holds s.mu.
func (s *Sheet) timing(now time.Time, finished bool) (elapsed, forecast time.Duration) {
	st := &s.st
	origin := st.started
	if origin.IsZero() {
		origin = now
	}
	ends := make([]time.Duration, len(s.plan.cps))
	nowOff := now.Sub(origin)
	var last time.Duration
	for _, i := range s.plan.order {
		c, planned := st.cps[i], s.plan.cps[i].Planned.D()
		var depEnd time.Duration
		for _, d := range s.plan.deps[i] {
			depEnd = max(depEnd, ends[d])
		}
		switch {
		case (c.state == Done || c.state == Skipped) && !c.endedAt.IsZero():
			ends[i] = c.endedAt.Sub(origin)
			last = max(last, ends[i])
		case c.state == Running:
			ends[i] = c.startedAt.Sub(origin) + max(planned, now.Sub(c.startedAt))
		default:
			ends[i] = max(nowOff, depEnd) + planned
		}
		forecast = max(forecast, ends[i])
	}
	switch {
	case st.started.IsZero():
		elapsed = 0
	case finished:
		elapsed = last
	default:
		elapsed = nowOff
	}
	return elapsed, max(forecast, elapsed)
}

// Late returns how late (positive) or early (negative) the forecast end is against the
// window; ok is false when there is no window.
func (v View) Late() (d time.Duration, ok bool) {
	if v.Window <= 0 {
		return 0, false
	}
	return v.Forecast - v.Window, true
}

// FormatLate says how late or early d (from View.Late) is, to the minute: "32m early",
// "1h05m late", "on time".
func FormatLate(d time.Duration) string {
	word := "late"
	if d < 0 {
		word, d = "early", -d
	}
	d = d.Round(time.Minute)
	if d == 0 {
		return "on time"
	}
	return FormatHM(d) + " " + word
}

// FormatHM formats a duration to the minute as "45m" or "1h05m".
func FormatHM(d time.Duration) string {
	d = d.Round(time.Minute)
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if h == 0 {
		return fmt.Sprintf("%s%dm", neg, m)
	}
	return fmt.Sprintf("%s%dh%02dm", neg, h, m)
}

// RollbackSteps returns the done checkpoints that have a rollback text, the most recently
// done first: the plan while rolling back.
func (v View) RollbackSteps() []Checkpoint {
	var steps []Checkpoint
	for _, c := range v.Checkpoints {
		if c.State == Done && c.Rollback != "" {
			steps = append(steps, c)
		}
	}
	sort.SliceStable(steps, func(a, b int) bool { return steps[a].EndedAt.After(steps[b].EndedAt) })
	return steps
}
