// Package tui is the board as people see it: the Bubble Tea models for a local terminal or
// one SSH session. It never polls and never touches a file: it draws board snapshots and
// runsheet views, and asks for transitions through commands.
package tui

import (
	"context"
	"errors"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/widgets"
)

// Role is what a session may do.
type Role int

// The roles: operators change checkpoints, viewers watch.
const (
	Operator Role = iota
	Viewer
)

func (r Role) String() string {
	if r == Viewer {
		return "viewer"
	}
	return "operator"
}

// Deps is everything one session needs, made fresh for each local or SSH session.
type Deps struct {
	Board *board.Board
	Sheet func() runsheet.View                             // the runsheet now
	Apply func(context.Context, runsheet.Transition) error // journals a transition
	// Check, when set, says whether a transition would apply (runsheet.Sheet.Check) without
	// journaling it, so a dialog never asks for a change that will be refused.
	Check  func(runsheet.Transition) error
	Title  string
	Window time.Duration // chart window
	Role   Role
	// User is who this session is, as journaled in Transition.By.
	User string
	// Watchers lists who is watching (SSH sessions); nil when nobody else can.
	Watchers func() []string
	Now      func() time.Time
	Loc      *time.Location // local time zone for the clock; default time.Local
	NoColor  bool           // NO_COLOR: no colours, glyphs only
	// ReadOnly makes the whole session read-only whatever its role (a replay): the
	// mutating keys are struck through, as for a viewer, and never reach Apply.
	ReadOnly bool
	Replay   Replayer // set for a replay (replay.go): read-only, driven by its clock
}

// readOnly reports whether this session may not change checkpoints.
func (m *Model) readOnly() bool { return m.deps.Role == Viewer || m.deps.ReadOnly }

type pane int

const (
	paneRunsheet pane = iota
	paneCharts
	paneEvents
	paneCount
)

// Model is the root model of one session.
type Model struct {
	deps   Deps
	keys   keyMap
	styles *widgets.Styles
	dark   bool
	sub    *board.Subscription // tells the tick whether the board has a new version

	width, height int
	lay           layout

	snap  *board.Snapshot
	sheet runsheet.View
	now   time.Time

	focus     pane
	selID     string // the selected checkpoint
	pending   bool   // a transition is being recorded
	chartSel  int    // charts row
	eventsOff int    // events scrolled back: how many newer events are not shown
	eventsN   int    // events shown as of the last frame, to keep a scrolled log still
	win       int    // index into windows: the chart window
	opened    time.Time
	zoom      string // the zoomed source's name; "" when none
	filter    string // the filter: a case-insensitive substring; "" for none
	filtering bool   // the filter is being typed
	detail    bool
	help      bool
	modal     *modal
	flash     flash
	quitting  bool

	chartsCache    []string
	chartsCacheKey chartsKey
	ruleCache      map[int]string // rendered rules by width, for ruleStyles
	ruleStyles     *widgets.Styles
	keysCache      map[string]string // the footer's keys by pane and count, for ruleStyles
}

type flash struct {
	text  string
	level widgets.Level
	until time.Time
}

// New makes the model for one session. Call Close after the program ends.
func New(d Deps) *Model {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Loc == nil {
		d.Loc = time.Local
	}
	if d.Window <= 0 {
		d.Window = time.Hour
	}
	m := &Model{deps: d, keys: newKeyMap(), dark: true, win: windowIndex(d.Window), opened: d.Now()}
	m.styles = widgets.NewStyles(widgets.Dark(), d.NoColor)
	m.sub = d.Board.Subscribe()
	m.refresh()
	return m
}

// NoColorFromEnv reports whether the NO_COLOR convention asks for no colour.
func NoColorFromEnv(env []string) bool {
	for _, e := range env {
		if len(e) > 9 && e[:9] == "NO_COLOR=" {
			return true
		}
	}
	return false
}

// NoColor reports whether this process's environment asks for no colour.
func NoColor() bool { return os.Getenv("NO_COLOR") != "" }

// Close stops the model's subscription; the program must have ended. It may be called again.
func (m *Model) Close() { m.sub.Close() }

type tickMsg time.Time
type appliedMsg struct {
	t   runsheet.Transition
	err error
}

// Init starts the clock (the frame tick) and asks the terminal for its background colour.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(tick(m.deps.Now()), tea.RequestBackgroundColor)
}

// tick fires on the next whole second. It is the board's only frame clock: the header's
// clock, running durations, gate holds and any new board version are drawn together, once a
// second on the second, however many sources answered in between. A screen (or an SSH
// viewer) is redrawn at most once a second unless someone presses a key, and the process
// wakes for it once; a change shows within a second.
func tick(now time.Time) tea.Cmd {
	d := now.Truncate(time.Second).Add(time.Second).Sub(now)
	return tea.Tick(d, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// refresh takes the latest snapshot and runsheet view.
func (m *Model) refresh() {
	m.snap = m.deps.Board.Snapshot()
	m.sheet = m.deps.Sheet()
	m.now = m.deps.Now()
	m.keepSelection()
}

// Update changes the model for one message. It does no I/O: transitions are commands.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.lay = computeLayout(m.width, m.height)
		return m, nil
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		theme := widgets.Dark()
		if !m.dark {
			theme = widgets.Light()
		}
		m.styles = widgets.NewStyles(theme, m.deps.NoColor)
		return m, nil
	case tickMsg:
		select {
		case <-m.sub.C(): // a new board version since the last frame
			m.snap = m.deps.Board.Snapshot()
			m.holdEvents()
		default:
		}
		// Elapsed time, forecast and gate holds move with the clock, not only with new data.
		m.now = time.Time(msg)
		if m.deps.Replay != nil {
			m.now = m.deps.Now() // the recording's clock
		}
		m.sheet = m.deps.Sheet()
		m.keepSelection()
		return m, tick(m.now)
	case appliedMsg:
		return m, m.applied(msg)
	case replayedMsg: // replay.go
		m.refresh()
		return m, nil
	case tea.KeyPressMsg:
		return m, m.key(msg)
	case tea.PasteMsg:
		return m, m.paste(msg)
	}
	return m, nil
}

// applied reports a transition's outcome in the status line.
func (m *Model) applied(msg appliedMsg) tea.Cmd {
	m.pending = false
	var refused *runsheet.Refused
	switch {
	case errors.As(msg.err, &refused):
		if msg.t.Action == runsheet.Finish && !msg.t.Force && m.gateBlocks(msg.t.Checkpoint) {
			m.modal = newOverride(msg.t.Checkpoint, refused.Reason)
			return nil
		}
		m.setFlash("refused: "+refused.Reason, widgets.LevelCrit)
		return nil
	case msg.err != nil:
		m.setFlash("NOT RECORDED: "+msg.err.Error(), widgets.LevelCrit)
		return nil
	}
	m.setFlash(string(msg.t.Action)+" "+msg.t.Checkpoint+" recorded", widgets.LevelOK)
	m.refresh()
	if msg.t.Action == runsheet.Finish || msg.t.Action == runsheet.Skip {
		m.followOn(msg.t.Checkpoint) // that step is over: the selection may go on below
	}
	return nil
}

// gateBlocks reports whether a checkpoint's gate is what stands in the way of done.
func (m *Model) gateBlocks(id string) bool {
	for _, c := range m.sheet.Checkpoints {
		if c.ID == id {
			return c.Gate.Expr != "" && c.Gate.Light != runsheet.Green && c.State == runsheet.Running
		}
	}
	return false
}

func (m *Model) setFlash(text string, l widgets.Level) {
	m.flash = flash{text: text, level: l, until: m.deps.Now().Add(10 * time.Second)}
}

// applyCmd journals a transition outside Update.
func (m *Model) applyCmd(t runsheet.Transition) tea.Cmd {
	apply := m.deps.Apply
	t.By = m.deps.User
	m.pending = true
	m.setFlash("recording "+string(t.Action)+" "+t.Checkpoint+"…", widgets.LevelUnknown)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return appliedMsg{t: t, err: apply(ctx, t)}
	}
}
