package runsheet

import (
	"context"
	"strings"
	"testing"

	"github.com/warroom-dev/warroom/config"
)

// TestStateMachine drives every action from every state of checkpoint "a" and checks which
// apply, the state they lead to, and that a refusal says why.
func TestStateMachine(t *testing.T) {
	// how to bring "a" into a state from pending
	reach := map[State][]Action{
		Pending: nil,
		Running: {Start},
		Done:    {Start, Finish},
		Failed:  {Start, Fail},
		Skipped: {Skip},
	}
	tests := []struct {
		from   State
		action Action
		to     State  // "" when refused
		reason string // part of the refusal
	}{
		{Pending, Start, Running, ""},
		{Pending, Finish, "", `"a" has not started`},
		{Pending, Fail, "", `"a" has not started`},
		{Pending, Skip, Skipped, ""},
		{Pending, Reopen, "", `"a" is already pending`},
		{Running, Start, "", `"a" is already running (by dana at`},
		{Running, Finish, Done, ""},
		{Running, Fail, Failed, ""},
		{Running, Skip, Skipped, ""},
		{Running, Reopen, Pending, ""},
		{Done, Start, "", `"a" is done (by dana at`},
		{Done, Finish, "", `"a" is already done (by dana at`},
		{Done, Fail, "", `"a" is done`},
		{Done, Skip, "", `"a" is done`},
		{Done, Reopen, Pending, ""},
		{Failed, Start, "", "reopen it first"},
		{Failed, Finish, "", `"a" is failed`},
		{Failed, Reopen, Pending, ""},
		{Skipped, Start, "", "reopen it first"},
		{Skipped, Skip, "", `"a" is skipped`},
		{Skipped, Reopen, Pending, ""},
	}
	for _, tc := range tests {
		t.Run(string(tc.from)+"_"+string(tc.action), func(t *testing.T) {
			s := open(t, basicPlan(journalPath(t)), Options{Now: newClock().Now})
			for _, a := range reach[tc.from] {
				do(t, s, "a", a, "because")
			}
			if got := cp(s.View(), "a").State; got != tc.from {
				t.Fatalf("setup: a is %s, want %s", got, tc.from)
			}
			tr := Transition{Checkpoint: "a", Action: tc.action, By: "dana", Note: "because"}
			err := s.Apply(context.Background(), tr)
			if tc.to == "" {
				r, ok := err.(*Refused)
				if !ok || !strings.Contains(r.Reason, tc.reason) {
					t.Fatalf("want refusal containing %q, got %v", tc.reason, err)
				}
				if got := cp(s.View(), "a").State; got != tc.from {
					t.Fatalf("refused transition changed the state to %s", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if got := cp(s.View(), "a").State; got != tc.to {
				t.Fatalf("a is %s, want %s", got, tc.to)
			}
		})
	}
}

// TestTransitionRules covers the rules that hold in any state: who, notes, overrides,
// unknown checkpoints and actions, the run-level rollback.
func TestTransitionRules(t *testing.T) {
	s := open(t, basicPlan(journalPath(t)), Options{Now: newClock().Now})
	for _, tc := range []struct {
		tr   Transition
		want string
	}{
		{Transition{Checkpoint: "a", Action: Start, By: " "}, "who is making this change"},
		{Transition{Checkpoint: "zz", Action: Start}, `no checkpoint "zz"`},
		{Transition{Action: Start}, "start which checkpoint?"},
		{Transition{Checkpoint: "a", Action: "explode"}, `unknown action "explode"`},
		{Transition{Checkpoint: "a", Action: Skip}, `skipping "a" needs a note`},
		{Transition{Checkpoint: "a", Action: Finish, Force: true}, "an override needs a written reason"},
		{Transition{Checkpoint: "a", Action: Start, Force: true, Reason: "x"}, "applies only to done"},
		{Transition{Checkpoint: "a", Action: Rollback}, "name no checkpoint"},
		{Transition{Action: Resume}, "not rolling back"},
		{Transition{Checkpoint: "a", Action: Start, Note: strings.Repeat("x", maxNote+1)}, "too long"},
	} {
		if got := refused(t, s, tc.tr); !strings.Contains(got, tc.want) {
			t.Errorf("%+v: reason %q, want it to contain %q", tc.tr, got, tc.want)
		}
	}
	do(t, s, "a", Start)
	if got := refused(t, s, Transition{Checkpoint: "a", Action: Fail}); !strings.Contains(got, `failing "a" needs a note`) {
		t.Errorf("fail without note: %q", got)
	}
	if v := s.View(); v.Seq != 1 {
		t.Fatalf("refusals must not be journaled: seq %d", v.Seq)
	}
	do(t, s, "", Rollback, "db move failed")
	v := s.View()
	if !v.RollingBack || v.RollbackBy != "dana" || v.RollbackNote != "db move failed" {
		t.Fatalf("rollback: %+v", v)
	}
	if got := refused(t, s, Transition{Action: Rollback}); !strings.Contains(got, "already rolling back") {
		t.Errorf("second rollback: %q", got)
	}
	do(t, s, "", Resume)
	if s.View().RollingBack {
		t.Fatal("resume did not end the rollback")
	}
}

// TestDependencyOrder: nothing starts before its after: are done or skipped; the default
// is the previous checkpoint, after: [] is none.
func TestDependencyOrder(t *testing.T) {
	rs := basicPlan(journalPath(t))
	rs.Checkpoints = append(rs.Checkpoints, config.Checkpoint{ID: "e", Title: "E", After: []string{"c", "d"}})
	s := open(t, rs, Options{Now: newClock().Now})
	v := s.View()
	for id, can := range map[string]bool{"a": true, "b": false, "c": false, "d": true, "e": false} {
		if got := cp(v, id).CanStart; got != can {
			t.Errorf("%s CanStart = %v, want %v", id, got, can)
		}
	}
	if got := cp(v, "e").Blocked; strings.Join(got, ",") != "c,d" {
		t.Errorf("e blocked by %v", got)
	}
	if got := refused(t, s, Transition{Checkpoint: "b", Action: Start}); got != `"b" cannot start before "a" (pending) is done or skipped` {
		t.Errorf("b: %q", got)
	}
	do(t, s, "a", Start)
	if got := refused(t, s, Transition{Checkpoint: "b", Action: Start}); !strings.Contains(got, `"a" (running)`) {
		t.Errorf("b while a runs: %q", got)
	}
	do(t, s, "a", Skip, "not needed")
	do(t, s, "b", Start)
	do(t, s, "b", Finish)
	do(t, s, "c", Start)
	do(t, s, "c", Finish)
	if got := refused(t, s, Transition{Checkpoint: "e", Action: Start}); !strings.Contains(got, `"d" (pending)`) {
		t.Errorf("e before d: %q", got)
	}
	do(t, s, "d", Start)
	do(t, s, "d", Finish)
	do(t, s, "e", Start)
	// reopening a dependency does not stop what already started
	do(t, s, "c", Reopen)
	if got := cp(s.View(), "e").State; got != Running {
		t.Fatalf("e is %s after reopening c", got)
	}
}

// TestOpenRejectsBadPlans: a cycle or an unknown dependency never opens.
func TestOpenRejectsBadPlans(t *testing.T) {
	rs := basicPlan(journalPath(t))
	rs.Checkpoints[0].After = []string{"c"}
	if _, err := Open(rs, Options{}); err == nil || !strings.Contains(err.Error(), "cycle: a → b → c") {
		t.Fatalf("cycle: %v", err)
	}
	rs = basicPlan(journalPath(t))
	rs.Checkpoints[3].After = []string{"nope"}
	if _, err := Open(rs, Options{}); err == nil || !strings.Contains(err.Error(), `no checkpoint "nope"`) {
		t.Fatalf("unknown after: %v", err)
	}
}
