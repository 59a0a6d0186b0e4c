package sshserver

import (
	"fmt"
	"runtime/debug"
	"sync"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// The largest window a session is drawn at. A session's renderer keeps a grid of cells of its
// window's size, and the board lays out every pane for it: a client asking for 5000×2000 cost
// the server gigabytes, and 65535×65535 ran it out of memory, dropping every session. 500×200
// is wider and taller than any wall screen shows legibly (a 4K screen at a readable font is
// about 380×100) and costs a session a few megabytes.
const (
	MaxWidth  = 500
	MaxHeight = 200
)

// windowSize is what a client asked for and what the session is drawn at.
type windowSize struct {
	askedW, askedH int // from the pty-req or the last window-change
	drawW, drawH   int // the renderer's size: the board, plus the notice row when clamped
	boardH         int // rows the board is laid out in
}

// clampWindow fits the size a client asked for within MaxWidth×MaxHeight. When it had to
// cut, one row below the board (or the board's last row, when the window is not taller
// than the limit) says so.
func clampWindow(w, h int) windowSize {
	w, h = max(w, 0), max(h, 0)
	ws := windowSize{askedW: w, askedH: h, drawW: min(w, MaxWidth), drawH: min(h, MaxHeight), boardH: min(h, MaxHeight)}
	if !ws.clamped() {
		return ws
	}
	if h > MaxHeight {
		ws.drawH = MaxHeight + 1
	} else {
		ws.boardH = max(h-1, 0)
	}
	return ws
}

func (ws windowSize) clamped() bool { return ws.askedW > MaxWidth || ws.askedH > MaxHeight }

// notice is the line a clamped session shows under its board.
func (ws windowSize) notice() string {
	return fmt.Sprintf("warroom: your window is %d×%d; the board is drawn at %d×%d at most, so that no session "+
		"can exhaust the server's memory (docs/ssh.md)", ws.askedW, ws.askedH, MaxWidth, MaxHeight)
}

// askedSizeMsg carries a client's window size to its session's model; the tea.WindowSizeMsg
// that follows it is the clamped size the renderer draws at.
type askedSizeMsg windowSize

// sessionModel wraps one session's board: it lays the board out in the clamped size, shows
// the notice when it had to clamp, and turns a panic in the board's Update, View or commands
// into the end of this session only, logged with its stack.
type sessionModel struct {
	inner   tea.Model
	size    windowSize
	onPanic func(what string, r any, stack []byte)
	once    sync.Once
}

func newSessionModel(inner tea.Model, size windowSize, onPanic func(string, any, []byte)) *sessionModel {
	return &sessionModel{inner: inner, size: size, onPanic: onPanic}
}

// crashed reports a panic once (onPanic logs it and ends the session) and returns tea.Quit.
func (m *sessionModel) crashed(what string, r any) tea.Cmd {
	stack := debug.Stack()
	m.once.Do(func() { m.onPanic(what, r, stack) })
	return tea.Quit
}

// Init implements tea.Model.
func (m *sessionModel) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			cmd = m.crashed("Init", r)
		}
	}()
	return m.guard(m.inner.Init())
}

// Update implements tea.Model.
func (m *sessionModel) Update(msg tea.Msg) (out tea.Model, cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			out, cmd = m, m.crashed("Update", r)
		}
	}()
	switch msg := msg.(type) {
	case askedSizeMsg:
		m.size = windowSize(msg)
		return m, nil
	case tea.WindowSizeMsg:
		// The program resized its renderer to drawW×drawH; the board gets its own rows.
		msg.Width, msg.Height = min(msg.Width, m.size.drawW), min(msg.Height, m.size.boardH)
		inner, c := m.inner.Update(msg)
		m.inner = inner
		return m, m.guard(c)
	}
	inner, c := m.inner.Update(msg)
	m.inner = inner
	return m, m.guard(c)
}

// View implements tea.Model.
func (m *sessionModel) View() (v tea.View) {
	defer func() {
		if r := recover(); r != nil {
			_ = m.crashed("View", r) // View cannot return a command: onPanic ends the session
			v = tea.NewView("")
		}
	}()
	v = m.inner.View()
	if m.size.clamped() && m.size.drawW > 0 {
		v.Content += "\n" + ansi.Truncate(m.size.notice(), m.size.drawW, "…")
	}
	return v
}

// guard wraps a command so that a panic while it runs (on Bubble Tea's goroutine) ends this
// session instead of reaching Bubble Tea's handler, which prints to the server's stderr.
func (m *sessionModel) guard(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = m.crashed("a command", r)()
			}
		}()
		msg = cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for i := range batch {
				batch[i] = m.guard(batch[i])
			}
		}
		return msg
	}
}
