package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/warroom-dev/warroom/runsheet"
)

// probe runs the real model in a real (headless) program and answers screenMsg with the
// screen as the model draws it, on the program's goroutine: tests read whole lines, not the
// renderer's diffs.
type probe struct{ m *Model }

type screenMsg chan string

func (p probe) Init() tea.Cmd  { return p.m.Init() }
func (p probe) View() tea.View { return p.m.View() }
func (p probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ch, ok := msg.(screenMsg); ok {
		ch <- ansi.Strip(p.m.render())
		return p, nil
	}
	_, cmd := p.m.Update(msg)
	return p, cmd
}

// program is one session's model running in a teatest program at w×h.
type program struct {
	t  *testing.T
	tm *teatest.TestModel
	m  *Model
	e  *env
}

func runProgram(t *testing.T, e *env, w, h int) *program {
	t.Helper()
	m := New(e.deps(Operator))
	tm := teatest.NewTestModel(t, probe{m}, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.NoTTY)))
	p := &program{t: t, tm: tm, m: m, e: e}
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
		m.Close()
	})
	p.wait("RUNSHEET")
	return p
}

// screen is the board as drawn now.
func (p *program) screen() string {
	p.t.Helper()
	ch := make(screenMsg, 1)
	p.tm.Send(ch)
	select {
	case s := <-ch:
		return s
	case <-time.After(10 * time.Second):
		p.t.Fatal("the program did not answer")
	}
	return ""
}

// wait polls the screen until every want is on it (a transition is recorded by a command,
// outside Update), for at most 10 s.
func (p *program) wait(want ...string) string {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := p.screen()
		missing := ""
		for _, w := range want {
			if !strings.Contains(s, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%q is not on the screen:\n%s", missing, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *program) keys(keys ...string) {
	for _, k := range keys {
		p.tm.Send(keyMsg(k))
	}
}

// step presses a key that records a transition and waits until id is in state want.
func (p *program) step(k, id string, want runsheet.State) {
	p.t.Helper()
	p.keys(k)
	stateOf(p.t, p.e, id, want)
	// The command's answer is back (the footer says so): the next key is not refused as busy.
	p.wait(map[runsheet.State]string{runsheet.Running: "start", runsheet.Done: "done"}[want] + " " + id + " recorded")
}

// stateOf waits until checkpoint id is in state want in the journaled runsheet.
func stateOf(t *testing.T, e *env, id string, want runsheet.State) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, c := range e.sheet.View().Checkpoints {
			if c.ID == id && c.State == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never became %s", id, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The rollback dialog says y confirms; enter, esc or any other key cancels and says so.
func TestTeaRollbackDialog(t *testing.T) {
	e := newEnv(t, plan(), 3)
	e.feed(time.Now(), true) // old-primary read-only: the freeze gate holds
	p := runProgram(t, e, 120, 40)
	p.step("s", "announce", runsheet.Running)
	p.step("d", "announce", runsheet.Done)
	p.step("s", "freeze", runsheet.Running)
	p.step("d", "freeze", runsheet.Done)
	for _, k := range []string{"enter", "esc", "n", "q"} {
		p.keys("R")
		p.wait("Roll back the cutover?", "1 step: freeze.", "y: roll back    any other key: cancel")
		p.keys(k)
		s := p.wait("cancelled")
		if strings.Contains(s, "Roll back the cutover?") || e.sheet.View().RollingBack {
			t.Fatalf("R then %s must cancel:\n%s", k, s)
		}
	}
	p.keys("R", "y")
	p.wait("ROLLING BACK")
	p.keys("R")
	p.wait("Resume the plan?", "y: resume the plan")
	p.keys("esc")
	p.wait("cancelled")
	if !e.sheet.View().RollingBack {
		t.Fatal("esc in the resume dialog resumed the plan")
	}
	p.keys("R", "y")
	p.wait("RUNSHEET")
	if e.sheet.View().RollingBack {
		t.Fatal("y in the resume dialog must resume the plan")
	}
}

// u asks y/n naming the checkpoint; on a pending one it says why nothing happens instead.
func TestTeaReopenDialog(t *testing.T) {
	e := newEnv(t, plan(), 3)
	p := runProgram(t, e, 120, 40)
	p.keys("u")
	s := p.wait(`refused: "announce" is already pending`)
	if strings.Contains(s, "Reopen") {
		t.Fatalf("u on a pending checkpoint must not ask:\n%s", s)
	}
	p.step("s", "announce", runsheet.Running)
	p.step("d", "announce", runsheet.Done)
	p.keys("k", "u") // the selection followed on to freeze; back to announce
	p.wait("Reopen announce?", "y: reopen announce    any other key: cancel")
	p.keys("enter")
	p.wait("cancelled")
	stateOf(t, e, "announce", runsheet.Done)
	p.keys("u", "y")
	stateOf(t, e, "announce", runsheet.Pending)
}

// f and x: the reason box is the question and names the id; it opens only when the change
// is allowed; a bracketed paste goes into it; esc cancels and says so.
func TestTeaReasonDialogs(t *testing.T) {
	e := newEnv(t, plan(), 3)
	p := runProgram(t, e, 120, 40)
	p.keys("f")
	s := p.wait(`refused: "announce" has not started`)
	if strings.Contains(s, "Why") {
		t.Fatalf("f on a pending checkpoint must refuse before asking for a reason:\n%s", s)
	}
	p.step("s", "announce", runsheet.Running)
	p.keys("f")
	p.wait("Fail announce? Why did it fail?", "enter: record fail of announce · esc: cancel")
	p.tm.Send(tea.PasteMsg{Content: "mail relay down"})
	p.wait("mail relay down")
	p.keys("enter")
	stateOf(t, e, "announce", runsheet.Failed)
	if n := e.sheet.View().Checkpoints[0].Note; n != "mail relay down" {
		t.Fatalf("the pasted reason was journaled as %q", n)
	}
	p.keys("u", "y")
	stateOf(t, e, "announce", runsheet.Pending)
	p.keys("x")
	p.wait("Skip announce? Why skip it?", "enter: record skip of announce")
	p.keys("esc")
	p.wait("cancelled")
	stateOf(t, e, "announce", runsheet.Pending)
}

// A red gate offers the override: a reason, then the id typed to confirm.
func TestTeaOverrideDialog(t *testing.T) {
	e := newEnv(t, plan(), 3)
	e.feed(time.Now(), false) // old-primary writable: the freeze gate fails
	p := runProgram(t, e, 120, 40)
	p.step("s", "announce", runsheet.Running)
	p.step("d", "announce", runsheet.Done)
	p.step("s", "freeze", runsheet.Running)
	p.keys("d")
	p.wait("Gate refuses done for freeze", "enter: next · esc: cancel")
	p.tm.Type("checked by hand")
	p.keys("enter")
	p.wait("Type freeze to confirm the override:", "enter: record done of freeze as an override")
	p.tm.Type("freeze")
	p.keys("enter")
	stateOf(t, e, "freeze", runsheet.Done)
	if !e.sheet.View().Checkpoints[1].Override {
		t.Fatal("freeze must be done as an override")
	}
}

// The quit question's words are its keys.
func TestTeaQuitDialog(t *testing.T) {
	e := newEnv(t, plan(), 3)
	p := runProgram(t, e, 120, 40)
	p.step("s", "announce", runsheet.Running)
	p.keys("q")
	p.wait("Quit warroom?", "y/enter: quit    n/esc: stay")
	p.keys("esc")
	if s := p.screen(); strings.Contains(s, "Quit warroom?") {
		t.Fatalf("esc must close the quit question:\n%s", s)
	}
}

// The selection moves only when the operator moves it: another operator's changes never
// move it; after the operator's own done it follows on to the next pending checkpoint below,
// never up and never to a finished one.
func TestTeaSelectionRule(t *testing.T) {
	e := newEnv(t, plan(), 3)
	e.feed(time.Now(), true)
	p := runProgram(t, e, 120, 40)
	p.wait("○ announce · Community notified") // the detail under the list is the selection
	other := func(id string, a runsheet.Action) {
		t.Helper()
		tr := runsheet.Transition{Checkpoint: id, Action: a, By: "sam", Note: "by sam"}
		if err := e.sheet.Apply(context.Background(), tr); err != nil {
			t.Fatal(err)
		}
	}
	other("announce", runsheet.Start)
	other("announce", runsheet.Finish)
	other("freeze", runsheet.Start)
	p.wait("✓ announce · Community notified") // still announce, now done: nobody moved it
	p.keys("j")                               // freeze, running (started by sam)
	p.step("d", "freeze", runsheet.Done)      // our own done
	p.wait("○ dns · DNS switched")            // followed on to the next pending one below
	p.step("s", "dns", runsheet.Running)
	p.step("d", "dns", runsheet.Done)
	// The last checkpoint is done: nothing pending below, so it stays (never jumps up).
	p.wait("✓ dns · DNS switched", "done dns recorded")
	other("announce", runsheet.Reopen)
	p.wait("○ announce", "✓ dns · DNS switched")
	// Past a finished row (freeze skipped by sam) to the pending one after it (dns reopened).
	other("freeze", runsheet.Reopen)
	other("freeze", runsheet.Skip)
	other("dns", runsheet.Reopen)
	p.keys("k", "k")
	p.wait("○ announce · Community notified")
	p.step("s", "announce", runsheet.Running)
	p.step("d", "announce", runsheet.Done)
	p.wait("○ dns · DNS switched")
}
