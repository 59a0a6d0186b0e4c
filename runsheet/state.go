package runsheet

import (
	"fmt"
	"strings"
	"time"
)

// Bounds on what a transition may carry: the journal is read by every process sharing it.
const (
	maxBy   = 200
	maxNote = 2000
)

// cpState is one checkpoint's state as folded from the journal.
type cpState struct {
	state              State
	startedAt, endedAt time.Time
	by, note           string
	override           bool
	overrideReason     string
	doneSeq            int64 // seq of the done transition, for the order of expectations
}

// runState is the whole run as folded from the journal.
type runState struct {
	cps          []cpState
	seq          int64
	started      time.Time // first start since every checkpoint was last pending
	rollingBack  bool
	rollbackBy   string
	rollbackAt   time.Time
	rollbackNote string
	bases        map[string]baselineLine // per database, the journaled baseline with the highest For
}

func newRunState(n int) runState {
	st := runState{cps: make([]cpState, n)}
	for i := range st.cps {
		st.cps[i].state = Pending
	}
	return st
}

// apply folds one journaled transition into the state. Journaled transitions were validated
// when written, so apply does not refuse; it returns warnings for a line it cannot place.
func (st *runState) apply(p *plan, t Transition) []string {
	var warn []string
	if t.Seq != st.seq+1 {
		warn = append(warn, fmt.Sprintf("transition %d follows %d (a gap or a repeat; was the file edited?)", t.Seq, st.seq))
	}
	if t.Seq > st.seq {
		st.seq = t.Seq
	}
	switch t.Action {
	case Rollback:
		st.rollingBack, st.rollbackBy, st.rollbackAt, st.rollbackNote = true, t.By, t.At, t.Note
		return warn
	case Resume:
		st.rollingBack, st.rollbackBy, st.rollbackAt, st.rollbackNote = false, "", time.Time{}, ""
		return warn
	}
	i, ok := p.idx[t.Checkpoint]
	if !ok {
		return append(warn, fmt.Sprintf("transition %d names checkpoint %q, which is not in the runsheet; ignored", t.Seq, t.Checkpoint))
	}
	c := &st.cps[i]
	c.by, c.note = t.By, t.Note
	switch t.Action {
	case Start:
		c.state, c.startedAt, c.endedAt = Running, t.At, time.Time{}
		if st.started.IsZero() {
			st.started = t.At
		}
	case Finish:
		c.state, c.endedAt, c.doneSeq = Done, t.At, t.Seq
		if t.Override {
			c.override, c.overrideReason = true, t.Reason
		}
	case Fail:
		c.state, c.endedAt = Failed, t.At
	case Skip:
		c.state, c.endedAt = Skipped, t.At
	case Reopen:
		c.state, c.startedAt, c.endedAt, c.doneSeq = Pending, time.Time{}, time.Time{}, 0
		if st.allPending() {
			st.started = time.Time{} // the run starts again (the demo's loop): T+ from its next start
		}
	}
	return warn
}

// precheck refuses a transition that is malformed whatever the state.
func precheck(p *plan, t Transition) error {
	if strings.TrimSpace(t.By) == "" {
		return &Refused{"who is making this change? (By is empty)"}
	}
	if len(t.By) > maxBy || len(t.Note) > maxNote || len(t.Reason) > maxNote {
		return &Refused{fmt.Sprintf("too long: who at most %d bytes, note and reason at most %d", maxBy, maxNote)}
	}
	switch t.Action {
	case Rollback, Resume:
		if t.Checkpoint != "" {
			return &Refused{fmt.Sprintf("%s is for the whole run; name no checkpoint", t.Action)}
		}
	case Start, Finish, Fail, Skip, Reopen:
		if t.Checkpoint == "" {
			return &Refused{fmt.Sprintf("%s which checkpoint?", t.Action)}
		}
		if _, ok := p.idx[t.Checkpoint]; !ok {
			return &Refused{fmt.Sprintf("no checkpoint %q in the runsheet", t.Checkpoint)}
		}
	default:
		return &Refused{fmt.Sprintf("unknown action %q (start, done, fail, skip, reopen, rollback, resume)", t.Action)}
	}
	if t.Force && t.Action != Finish {
		return &Refused{"an override (force) applies only to done"}
	}
	if t.Force && strings.TrimSpace(t.Reason) == "" {
		return &Refused{"an override needs a written reason"}
	}
	if (t.Action == Fail || t.Action == Skip) && strings.TrimSpace(t.Note) == "" {
		verb := map[Action]string{Fail: "failing", Skip: "skipping"}[t.Action]
		return &Refused{fmt.Sprintf("%s %q needs a note saying why", verb, t.Checkpoint)}
	}
	return nil
}

// admit refuses a transition that does not apply to the state st (the gate is checked by
// the caller).
func (st *runState) admit(p *plan, t Transition) error {
	switch t.Action {
	case Rollback:
		if st.rollingBack {
			return &Refused{fmt.Sprintf("the run is already rolling back (since %s, by %s)", clock(st.rollbackAt), st.rollbackBy)}
		}
		return nil
	case Resume:
		if !st.rollingBack {
			return &Refused{"the run is not rolling back"}
		}
		return nil
	}
	i := p.idx[t.Checkpoint]
	c := st.cps[i]
	allowed := map[Action][]State{
		Start:  {Pending},
		Finish: {Running},
		Fail:   {Running},
		Skip:   {Pending, Running},
		Reopen: {Running, Done, Failed, Skipped},
	}[t.Action]
	for _, s := range allowed {
		if c.state == s {
			if t.Action == Start {
				return st.depsDone(p, i)
			}
			return nil
		}
	}
	return &Refused{notApplicable(t, c)}
}

// depsDone refuses starting checkpoint i before its dependencies are done or skipped.
func (st *runState) depsDone(p *plan, i int) error {
	var waits []string
	for _, d := range p.deps[i] {
		if s := st.cps[d].state; s != Done && s != Skipped {
			waits = append(waits, fmt.Sprintf("%q (%s)", p.cps[d].ID, s))
		}
	}
	if len(waits) == 0 {
		return nil
	}
	return &Refused{fmt.Sprintf("%q cannot start before %s is done or skipped", p.cps[i].ID, strings.Join(waits, " and "))}
}

// notApplicable says why action t does not apply to a checkpoint in state c.
func notApplicable(t Transition, c cpState) string {
	id := t.Checkpoint
	who := ""
	if c.by != "" {
		who = fmt.Sprintf(" (by %s", c.by)
		if at := c.endedAt; !at.IsZero() {
			who += " at " + clock(at)
		} else if at := c.startedAt; !at.IsZero() {
			who += " at " + clock(at)
		}
		who += ")"
	}
	switch {
	case t.Action == Start && c.state == Running:
		return fmt.Sprintf("%q is already running%s", id, who)
	case t.Action == Start:
		return fmt.Sprintf("%q is %s%s; reopen it first", id, c.state, who)
	case t.Action == Reopen:
		return fmt.Sprintf("%q is already pending", id)
	case c.state == Pending:
		return fmt.Sprintf("%q has not started; start it first", id)
	case c.state == Done && t.Action == Finish:
		return fmt.Sprintf("%q is already done%s", id, who)
	}
	return fmt.Sprintf("%q is %s%s; %s does not apply (reopen it first)", id, c.state, who, t.Action)
}

// clock formats a time of day for messages.
func clock(t time.Time) string { return t.Local().Format("15:04:05") }

// allPending reports whether no checkpoint has started (or every one was reopened).
func (st *runState) allPending() bool {
	for _, c := range st.cps {
		if c.state != Pending {
			return false
		}
	}
	return true
}
