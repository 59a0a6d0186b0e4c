package runsheet

import (
	"fmt"
	"sort"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
)

// publish tells the world about transitions just folded (own or another process's): one
// board event each, the databases' expectations, and a board Touch.
func (s *Sheet) publish(ts []Transition) {
	if len(ts) == 0 {
		return
	}
	s.mu.Lock()
	if s.opt.Expect != nil {
		for _, c := range s.expectChanges() {
			s.opt.Expect.Set(c[0], c[1])
		}
	}
	s.mu.Unlock()
	b := s.opt.Board
	if b == nil {
		return
	}
	for _, t := range ts {
		b.AddEvent(board.Event{Time: t.At, Status: eventStatus(t), Source: t.Checkpoint, Kind: "checkpoint", Text: EventText(t)})
	}
	b.Touch()
}

// EventText is how a transition reads in the event log: "freeze done by dana · gate held".
func EventText(t Transition) string {
	var s string
	switch t.Action {
	case Start:
		s = fmt.Sprintf("%s started by %s", t.Checkpoint, t.By)
	case Finish:
		s = fmt.Sprintf("%s done by %s", t.Checkpoint, t.By)
		switch {
		case t.Override:
			s += " · override: " + t.Reason
		case t.Gate != "":
			s += " · gate " + t.Gate
		}
	case Fail:
		s = fmt.Sprintf("%s failed, by %s: %s", t.Checkpoint, t.By, t.Note)
	case Skip:
		s = fmt.Sprintf("%s skipped by %s: %s", t.Checkpoint, t.By, t.Note)
	case Reopen:
		s = fmt.Sprintf("%s reopened by %s", t.Checkpoint, t.By)
	case Rollback:
		s = "rolling back, by " + t.By
	case Resume:
		s = "rollback called off, by " + t.By
	default:
		s = fmt.Sprintf("%s %s by %s", t.Checkpoint, t.Action, t.By)
	}
	if t.Note != "" && t.Action != Fail && t.Action != Skip {
		s += ": " + t.Note
	}
	return s
}

// eventStatus is the colour of a transition's event line.
func eventStatus(t Transition) sources.Status {
	switch {
	case t.Action == Fail || t.Action == Rollback:
		return sources.Crit
	case t.Override || t.Action == Skip || t.Action == Reopen || t.Action == Resume:
		return sources.Warn
	}
	return sources.OK
}

// initExpect records, for every database a checkpoint's `expect:` names, what it is
// expected to be before any checkpoint is done.
func (s *Sheet) initExpect() {
	s.expectIni = map[string]string{}
	s.expectAt = map[string]string{}
	for _, cp := range s.plan.cps {
		for db := range cp.Expect {
			v := s.opt.Expect.Get(db) // nil-safe
			s.expectIni[db], s.expectAt[db] = v, v
		}
	}
}

// expectChanges computes the expectations from the folded state (the initial ones, then
// the `expect:` of every done checkpoint in the order they were done) and returns the
// [database, expectation] pairs that differ from what was last set. The caller holds s.mu.
func (s *Sheet) expectChanges() [][2]string {
	want := make(map[string]string, len(s.expectIni))
	for db, v := range s.expectIni {
		want[db] = v
	}
	var done []int
	for i, c := range s.st.cps {
		if c.state == Done && len(s.plan.cps[i].Expect) > 0 {
			done = append(done, i)
		}
	}
	sort.Slice(done, func(a, b int) bool { return s.st.cps[done[a]].doneSeq < s.st.cps[done[b]].doneSeq })
	for _, i := range done {
		for db, v := range s.plan.cps[i].Expect {
			want[db] = v
		}
	}
	var out [][2]string
	for _, db := range sortedKeys(want) {
		if s.expectAt[db] != want[db] {
			s.expectAt[db] = want[db]
			out = append(out, [2]string{db, want[db]})
		}
	}
	return out
}
