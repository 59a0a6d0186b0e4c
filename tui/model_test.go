package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"go.uber.org/goleak"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
)

// Two goroutines are not ours: Bubble Tea's Tick outlives its program by up to a second, and
// teatest waits for an interrupt signal for the life of the test binary.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("charm.land/bubbletea/v2.Tick.func1"),
		goleak.IgnoreTopFunction("github.com/charmbracelet/x/exp/teatest/v2.NewTestModel.func2"),
		// Bubble Tea waits at most 500 ms for its input reader when a program ends.
		goleak.IgnoreAnyFunction("charm.land/bubbletea/v2.(*Program).readLoop"))
}

// env is a real board and a real runsheet on a journal in a temporary directory.
type env struct {
	board   *board.Board
	sheet   *runsheet.Sheet
	journal string
	applies atomic.Int64
}

func newEnv(t testing.TB, cps []config.Checkpoint, nSources int) *env {
	return newEnvPinned(t, cps, nSources, 0)
}

// newEnvPinned is newEnv with the first pinned sources marked pin: true.
func newEnvPinned(t testing.TB, cps []config.Checkpoint, nSources, pinned int) *env {
	t.Helper()
	return newEnvFull(t, cps, nSources, pinned, nil)
}

// newEnvAt is newEnv with the runsheet on the clock now (nil: the wall clock).
func newEnvAt(t testing.TB, cps []config.Checkpoint, nSources int, now func() time.Time) *env {
	t.Helper()
	return newEnvFull(t, cps, nSources, 0, now)
}

// newEnvFull is newEnv with the first pinned sources marked pin: true and the runsheet on
// the clock now (nil: the wall clock).
func newEnvFull(t testing.TB, cps []config.Checkpoint, nSources, pinned int, now func() time.Time) *env {
	t.Helper()
	var infos []board.Info
	groups := []string{"metric", "db", "health"}
	for i := 0; i < nSources; i++ {
		infos = append(infos, board.Info{Name: fmt.Sprintf("src-%02d", i), Kind: "demo",
			Group: groups[i%3], Unit: "ms", Interval: time.Second,
			Threshold: sources.Threshold{Warn: sources.Float(800), Crit: sources.Float(1500)}, Pin: i < pinned})
	}
	infos = append(infos, board.Info{Name: "old-primary", Kind: "demo", Group: "db", Interval: time.Second})
	return newEnvInfos(t, cps, infos, now)
}

// newEnvInfos is a real board of these sources and a real runsheet on the clock now.
func newEnvInfos(t testing.TB, cps []config.Checkpoint, infos []board.Info, now func() time.Time) *env {
	t.Helper()
	b := board.New(infos, board.Options{})
	journal := filepath.Join(t.TempDir(), "test.journal")
	names := runsheet.NamesFromInfos(infos, nil)
	sh, err := runsheet.Open(config.Runsheet{Journal: journal, Window: config.Duration(time.Hour), Checkpoints: cps},
		runsheet.Options{Board: b, Names: &names, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sh.Close() })
	return &env{board: b, sheet: sh, journal: journal}
}

func (e *env) deps(role Role) Deps {
	return Deps{Board: e.board, Sheet: e.sheet.View, Title: "Test cutover", Window: 10 * time.Minute,
		Role: role, User: "tester", Loc: time.UTC, Check: e.sheet.Check,
		Apply: func(ctx context.Context, t runsheet.Transition) error {
			e.applies.Add(1)
			return e.sheet.Apply(ctx, t)
		}}
}

// feedOne ingests one point of v into source name at t.
func (e *env) feedOne(name string, v float64, t time.Time) {
	e.board.Ingest(name, sources.Result{Status: sources.OK, Value: &v, Unit: "ms"}, t)
}

// feed ingests a minute of points into every source.
func (e *env) feed(now time.Time, ro bool) {
	for _, s := range e.board.Snapshot().Sources {
		for k := 60; k >= 0; k-- {
			v := 400 + float64(k%7)*30
			r := sources.Result{Status: sources.OK, Value: &v, Unit: "ms"}
			if s.Name == "old-primary" {
				r = sources.Result{Status: sources.OK, Detail: "read-only ✓", Facts: map[string]any{"read_only": ro, "stray_writes": false}}
			}
			e.board.Ingest(s.Name, r, now.Add(-time.Duration(k)*time.Second))
		}
	}
	e.sheet.Evaluate(e.board.Snapshot())
}

func plan() []config.Checkpoint {
	return []config.Checkpoint{
		{ID: "announce", Title: "Community notified", Owner: "comms", Planned: config.Duration(5 * time.Minute)},
		{ID: "freeze", Title: "Old primary read-only", Owner: "dba", Planned: config.Duration(5 * time.Minute),
			Gate: `db["old-primary"].read_only`, Rollback: "SET GLOBAL read_only = OFF"},
		{ID: "dns", Title: "DNS switched", Owner: "infra", Cutover: true, Rollback: "revert DNS"},
	}
}

func keyMsg(s string) tea.KeyPressMsg {
	switch s {
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// press sends keys to the model; an apply command is run (as Bubble Tea would, outside
// Update) and its result fed back. It returns the last command that was not an apply.
func press(t testing.TB, m *Model, keys ...string) tea.Cmd {
	t.Helper()
	var last tea.Cmd
	for _, k := range keys {
		wasPending := m.pending
		_, cmd := m.Update(keyMsg(k))
		last = cmd
		if cmd == nil || wasPending || !m.pending {
			continue // not an apply: typing into a dialog, moving, the clock
		}
		if msg := runApply(cmd); msg != nil {
			if am, ok := msg.(appliedMsg); ok {
				m.Update(am)
				last = nil
			}
		}
	}
	return last
}

// runApply runs the command of a key that started recording a transition (the model says
// so: it set pending), as Bubble Tea would, outside Update. An apply returns once the journal
// line is written (flock, fsync); the bound is for a broken one.
func runApply(cmd tea.Cmd) tea.Msg {
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(20 * time.Second):
		return nil
	}
}

func newModel(t testing.TB, e *env, role Role, w, h int) *Model {
	m := New(e.deps(role))
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

func journalLines(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return strings.Fields(strings.TrimSpace(string(b)))
}

func state(m *Model, id string) runsheet.State {
	for _, c := range m.deps.Sheet().Checkpoints {
		if c.ID == id {
			return c.State
		}
	}
	return ""
}

func TestStartDoneAndSelection(t *testing.T) {
	e := newEnv(t, plan(), 3)
	m := newModel(t, e, Operator, 120, 40)
	if m.focus != paneRunsheet || m.index() != 0 {
		t.Fatalf("runsheet must have focus with the first startable checkpoint selected: focus %d sel %d", m.focus, m.index())
	}
	press(t, m, "s")
	if got := state(m, "announce"); got != runsheet.Running {
		t.Fatalf("s: announce is %s, want running", got)
	}
	press(t, m, "d")
	if got := state(m, "announce"); got != runsheet.Done {
		t.Fatalf("d: announce is %s, want done", got)
	}
	if m.index() != 1 {
		t.Fatalf("after done the selection must follow to the next checkpoint: selected %d, want 1", m.index())
	}
	press(t, m, "j")
	if m.index() != 2 {
		t.Fatalf("j: selected %d, want 2", m.index())
	}
	press(t, m, "k")
	press(t, m, "k", "k")
	if m.index() != 0 {
		t.Fatalf("k at the top: selected %d, want 0", m.index())
	}
	press(t, m, "u", "y")
	if got := state(m, "announce"); got != runsheet.Pending {
		t.Fatalf("u: announce is %s, want pending (reopened)", got)
	}
	press(t, m, "enter")
	if got := state(m, "announce"); got != runsheet.Running {
		t.Fatalf("enter: announce is %s, want running", got)
	}
}

func TestFailAndSkipAskForAReason(t *testing.T) {
	e := newEnv(t, plan(), 3)
	m := newModel(t, e, Operator, 120, 40)
	press(t, m, "s", "f")
	if m.modal == nil || m.modal.kind != reasonPrompt {
		t.Fatal("f must open a reason prompt")
	}
	press(t, m, "enter")
	if m.modal == nil || m.modal.err == "" {
		t.Fatal("an empty reason must be refused in the dialog")
	}
	for _, r := range "comms tool down" {
		press(t, m, string(r))
	}
	press(t, m, "enter")
	if m.modal != nil {
		t.Fatal("dialog still open after enter")
	}
	cp := e.sheet.View().Checkpoints[0]
	if cp.State != runsheet.Failed || cp.Note != "comms tool down" {
		t.Fatalf("announce = %s %q, want failed with the note", cp.State, cp.Note)
	}
	press(t, m, "u", "y", "x", "esc")
	if m.modal != nil || state(m, "announce") != runsheet.Pending {
		t.Fatal("esc must cancel the skip without a change")
	}
	press(t, m, "x", "n", "o", "t", " ", "n", "e", "e", "d", "e", "d", "enter")
	if got := state(m, "announce"); got != runsheet.Skipped {
		t.Fatalf("x: announce is %s, want skipped", got)
	}
}

func TestRedGateOffersOverrideWithTypedConfirmation(t *testing.T) {
	e := newEnv(t, plan(), 3)
	e.feed(time.Now(), false) // old-primary writable: the freeze gate fails
	m := newModel(t, e, Operator, 120, 40)
	press(t, m, "s", "d", "s", "d") // the selection follows to freeze after announce is done
	if got := state(m, "freeze"); got != runsheet.Running {
		t.Fatalf("done with a red gate: freeze is %s, want still running", got)
	}
	if m.modal == nil || m.modal.kind != overridePrompt {
		t.Fatal("a refused done on a red gate must offer the override dialog")
	}
	for _, r := range "replica checked by hand" {
		press(t, m, string(r))
	}
	press(t, m, "enter")
	press(t, m, "x", "enter")
	if m.modal == nil || m.modal.err == "" {
		t.Fatal("a wrong confirmation must be refused")
	}
	m.modal.input.SetValue("")
	for _, r := range "freeze" {
		press(t, m, string(r))
	}
	press(t, m, "enter")
	cp := e.sheet.View().Checkpoints[1]
	if cp.State != runsheet.Done || !cp.Override {
		t.Fatalf("freeze = %s override=%v, want done as an override", cp.State, cp.Override)
	}
	if !strings.Contains(strings.Join(journalLines(t, e.journal), " "), "replica") {
		t.Fatal("the override reason must be in the journal")
	}
}

func TestViewerCannotChangeAnything(t *testing.T) {
	e := newEnv(t, plan(), 3)
	m := newModel(t, e, Viewer, 120, 40)
	press(t, m, "s", "d", "f", "x", "u", "R")
	if n := e.applies.Load(); n != 0 {
		t.Fatalf("a viewer's keys reached the journal %d times", n)
	}
	if len(journalLines(t, e.journal)) != 0 {
		t.Fatal("the journal changed for a viewer")
	}
	if !strings.Contains(m.flash.text, "viewer") {
		t.Fatalf("the viewer must be told why: %q", m.flash.text)
	}
	if !strings.Contains(ansi.Strip(m.render()), "read-only") {
		t.Fatal("a viewer's footer must say the session is read-only")
	}
	// q quits a viewer at once.
	if cmd := press(t, m, "q"); cmd == nil || m.modal != nil {
		t.Fatal("q must quit a viewer without asking")
	}
}

func TestQuitAsksWhileACheckpointRuns(t *testing.T) {
	e := newEnv(t, plan(), 3)
	m := newModel(t, e, Operator, 120, 40)
	if cmd := press(t, m, "q"); cmd == nil {
		t.Fatal("q with nothing running must quit")
	}
	m = newModel(t, e, Operator, 120, 40)
	press(t, m, "s", "q")
	if m.modal == nil || m.modal.kind != confirmQuit {
		t.Fatal("q while a checkpoint runs must ask first")
	}
	press(t, m, "n")
	if m.modal != nil || m.quitting {
		t.Fatal("n must cancel the quit")
	}
	press(t, m, "ctrl+c")
	if m.modal == nil {
		t.Fatal("ctrl+c while a checkpoint runs must ask too")
	}
	press(t, m, "y")
	if !m.quitting {
		t.Fatal("y must quit")
	}
}

func TestFocusHelpDetailAndRollbackMode(t *testing.T) {
	e := newEnv(t, plan(), 6)
	e.feed(time.Now(), true)
	m := newModel(t, e, Operator, 120, 40)
	press(t, m, "tab")
	if m.focus != paneCharts {
		t.Fatalf("tab: focus %d, want charts", m.focus)
	}
	press(t, m, "j", "j", "i")
	if !m.detail || !strings.Contains(ansi.Strip(m.render()), "src-") {
		t.Fatal("i on a chart row must show the source's details")
	}
	press(t, m, "i", "tab", "tab")
	if m.focus != paneRunsheet {
		t.Fatalf("tab ×3 must come back to the runsheet, focus %d", m.focus)
	}
	press(t, m, "?")
	if !m.help || !strings.Contains(ansi.Strip(m.render()), "rollback mode") {
		t.Fatal("? must show every key")
	}
	press(t, m, "x")
	if m.help || m.modal != nil {
		t.Fatal("any key closes help and does nothing else")
	}
	press(t, m, "s", "d", "R")
	if m.modal == nil || m.modal.kind != confirmRollback {
		t.Fatal("R must ask before rolling back")
	}
	press(t, m, "y")
	if !e.sheet.View().RollingBack {
		t.Fatal("y must put the run in rollback mode")
	}
	if !strings.Contains(ansi.Strip(m.render()), "ROLLING BACK") {
		t.Fatal("rollback mode must be on screen")
	}
}

func TestUpdateDoesNoIO(t *testing.T) {
	e := newEnv(t, plan(), 3)
	m := newModel(t, e, Operator, 120, 40)
	for _, k := range []string{"s", "d", "u", "x", "esc", "f", "esc", "j", "k", "tab", "tab", "tab", "R", "n", "?", "?"} {
		m.Update(keyMsg(k)) // commands are returned, never run
	}
	if n := e.applies.Load(); n != 0 {
		t.Fatalf("Update journaled %d transitions itself; transitions must be commands", n)
	}
}

func TestEveryLineFitsTheWindow(t *testing.T) {
	e := newEnv(t, plan(), 12)
	e.feed(time.Now(), true)
	for _, size := range [][2]int{{80, 24}, {100, 30}, {120, 40}, {160, 45}, {200, 60}, {40, 12}} {
		for _, focus := range []pane{paneRunsheet, paneCharts} {
			m := newModel(t, e, Operator, size[0], size[1])
			m.focus = focus
			out := m.render()
			ls := strings.Split(out, "\n")
			if len(ls) != size[1] {
				t.Fatalf("%dx%d: %d lines, want %d", size[0], size[1], len(ls), size[1])
			}
			for i, l := range ls {
				if w := ansi.StringWidth(l); w != size[0] {
					t.Fatalf("%dx%d: line %d is %d cells wide, want %d:\n%s", size[0], size[1], i, w, size[0], ansi.Strip(l))
				}
			}
		}
	}
}

func TestSideBySideWhenWideStackedWhenNarrow(t *testing.T) {
	e := newEnv(t, plan(), 3)
	e.feed(time.Now(), true)
	wide := ansi.Strip(newModel(t, e, Operator, 160, 40).render())
	narrow := ansi.Strip(newModel(t, e, Operator, 100, 40).render())
	sameLine := func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "RUNSHEET") && strings.Contains(l, "RESPONSE TIME") {
				return true
			}
		}
		return false
	}
	if !sameLine(wide) {
		t.Fatalf("at 160 columns charts and runsheet must be side by side:\n%s", wide)
	}
	if sameLine(narrow) || !strings.Contains(narrow, "RUNSHEET") {
		t.Fatalf("at 100 columns they must be stacked:\n%s", narrow)
	}
}

// Every way out of the rollback dialog but a deliberate y cancels it.
func TestRollbackDialogOnlyYesRollsBack(t *testing.T) {
	e := newEnv(t, plan(), 3)
	m := newModel(t, e, Operator, 120, 40)
	press(t, m, "s", "d")
	for _, k := range []string{"ctrl+c", "enter", "esc", "q", "n"} {
		press(t, m, "R", k)
		if m.modal != nil || e.sheet.View().RollingBack || m.quitting {
			t.Fatalf("R then %s: rolled back or left a dialog open", k)
		}
	}
}

// While rolling back, the keys act on the rollback plan that is on screen.
func TestRollbackModeSelectsShownSteps(t *testing.T) {
	e := newEnv(t, plan(), 3)
	e.feed(time.Now(), true)
	m := newModel(t, e, Operator, 120, 40)
	press(t, m, "s", "d", "s", "d", "R", "y")
	cp, ok := m.selectedCheckpoint()
	if !ok || cp.ID != "freeze" {
		t.Fatalf("rolling back, the selection is %q (shown: %v); want the last done step, freeze", cp.ID, ok)
	}
	// announce has no rollback written: the plan is freeze alone (runsheet.View.RollbackSteps).
	press(t, m, "j")
	if cp, _ := m.selectedCheckpoint(); cp.ID != "freeze" {
		t.Fatalf("j past the end of the rollback plan selected %q (a step not shown)", cp.ID)
	}
	if n := len(m.items()); n != 1 {
		t.Fatalf("the rollback plan shows %d steps, want 1 (only done steps with a rollback)", n)
	}
}

// The header's elapsed time moves with the clock even when no source reports.
func TestClockTickRefreshesTiming(t *testing.T) {
	var clock atomic.Int64
	clock.Store(time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	e := newEnvAt(t, plan(), 0, now)
	m := newModel(t, e, Operator, 120, 40)
	press(t, m, "s")
	before := m.sheet.Elapsed
	clock.Add(int64(1100 * time.Millisecond))
	m.Update(tickMsg(now()))
	if m.sheet.Elapsed != before+1100*time.Millisecond {
		t.Fatalf("elapsed %v after a tick, was %v: the header froze", m.sheet.Elapsed, before)
	}
}

// In a window too small for the dialog box, the question is still on screen.
func TestDialogInATinyWindow(t *testing.T) {
	e := newEnv(t, plan(), 3)
	m := newModel(t, e, Operator, 40, 6)
	press(t, m, "s", "q")
	out := ansi.Strip(m.render())
	if !strings.Contains(out, "y/enter") {
		t.Fatalf("the quit question is not on a 40x6 screen:\n%s", out)
	}
	for i, l := range strings.Split(m.render(), "\n") {
		if w := ansi.StringWidth(l); w != 40 {
			t.Fatalf("line %d is %d wide", i, w)
		}
	}
}

// New board versions are drawn on the next clock tick, all at once, and not before: the
// tick is the board's one frame clock.
func TestNewDataShowsOnTheNextTick(t *testing.T) {
	e := newEnv(t, plan(), 1)
	m := newModel(t, e, Operator, 120, 40)
	if v := m.snap.Sources[0].Value; v != nil {
		t.Fatalf("fresh board already has a value %v", *v)
	}
	for _, x := range []float64{1111, 1234} {
		v := x
		e.board.Ingest("src-00", sources.Result{Status: sources.OK, Value: &v, Unit: "ms"}, time.Now())
	}
	before := ansi.Strip(m.render())
	if m.snap.Sources[0].Value != nil || strings.Contains(before, "1.2 s") {
		t.Fatalf("a new value was taken or drawn before the tick:\n%s", before)
	}
	m.Update(tickMsg(time.Now()))
	if v := m.snap.Sources[0].Value; v == nil || *v != 1234 {
		t.Fatalf("after the tick the board's latest value is %v, want 1234", v)
	}
	if after := ansi.Strip(m.render()); !strings.Contains(after, "✓ 1.2 s") {
		t.Fatalf("after the tick the latest value (1.2 s) is not on screen:\n%s", after)
	}
}
