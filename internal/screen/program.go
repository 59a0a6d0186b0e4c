package screen

import (
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// bubbleFPS is how often Bubble Tea's own renderer, which has only a blank frame to keep,
// looks for work: its queued terminal queries (their answers, the terminal's background
// colour, may come up to a second later). Key presses do not wait for it: they are drawn at
// once.
const bubbleFPS = 1

// Run runs m as a Bubble Tea program on this process's terminal (stdin, stdout) with its
// frames drawn by a Screen, until it quits; then, after Bubble Tea has put the terminal's
// modes back, the alternate screen is left and the cursor shown. opts are more program
// options (not WithOutput, WithFPS, WithFilter, WithColorProfile or WithWindowSize, which
// it sets).
//
// Where the terminal's size is this package's to watch (ownSize), Bubble Tea is not told
// that its output is a terminal: it then keeps its renderer's cell buffer at one cell
// instead of the screen's size (a 200×60 board's is 1.3 MB, twice that in the heap), and
// the size comes from here, at the start and at every SIGWINCH.
func Run(m tea.Model, opts ...tea.ProgramOption) (tea.Model, error) {
	env := os.Environ()
	s := New(os.Stdout, env)
	opts = append(opts, tea.WithFPS(bubbleFPS), tea.WithFilter(keepSize),
		tea.WithColorProfile(colorprofile.Detect(os.Stdout, env)))
	if ownSize {
		opts = append(opts, tea.WithOutput(s.Writer(nil)), tea.WithWindowSize(1, 1))
	} else {
		opts = append(opts, tea.WithOutput(s.Writer(os.Stdout)))
	}
	p := tea.NewProgram(&model{inner: m, s: s}, opts...)
	s.OnForeign(func() { p.Send(repaintMsg{}) })
	stop := func() {}
	if ownSize {
		stop = watchSize(os.Stdout, func(w, h int) { p.Send(sizeMsg{Width: w, Height: h}) })
	}
	final, err := p.Run()
	stop()
	s.Close()
	if w, ok := final.(*model); ok {
		final = w.inner
	}
	return final, err
}

// repaintMsg says that Bubble Tea wrote to the terminal: the board is drawn again whole.
type repaintMsg struct{}

// sizeMsg is a tea.WindowSizeMsg that Bubble Tea's renderer does not see: told of a
// resize, it would clear the screen at its next look, up to a second later, after Screen
// has already drawn the board at the new size (a flash, and a second repaint). Its blank
// cell needs no size.
type sizeMsg tea.WindowSizeMsg

// keepSize is the program's filter: window sizes go to the model, not to the renderer.
// Where the size is this package's to watch, Bubble Tea's only one is the one-cell size it
// was given, which is dropped.
func keepSize(_ tea.Model, msg tea.Msg) tea.Msg {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		if ownSize {
			return nil
		}
		return sizeMsg(ws)
	}
	return msg
}

// model is m with its frames drawn on s; Bubble Tea keeps the rest of m's view (the window
// title, the terminal's modes) with a frame of one blank cell, inline: Screen has the
// alternate screen, and Bubble Tea's own buffers stay one line high instead of a screen.
type model struct {
	inner tea.Model
	s     *Screen
}

func (m *model) Init() tea.Cmd { return m.inner.Init() }

func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case repaintMsg:
		m.s.Repaint()
		return m, nil // View, which Bubble Tea calls next, draws it
	case sizeMsg:
		m.s.Resize(msg.Width, msg.Height)
		var cmd tea.Cmd
		m.inner, cmd = m.inner.Update(tea.WindowSizeMsg(msg))
		return m, cmd
	case tea.ColorProfileMsg:
		m.s.SetColorProfile(msg.Profile)
	}
	var cmd tea.Cmd
	m.inner, cmd = m.inner.Update(msg)
	return m, cmd
}

// View draws the inner model's frame and gives Bubble Tea the rest of its view, with a
// frame of one blank cell. Bubble Tea
// calls it after every Update, in its event loop, so frames are drawn in order and never
// after the program has ended.
func (m *model) View() tea.View {
	v := m.inner.View()
	_ = m.s.Draw(v.Content) // a terminal that cannot be written to: Bubble Tea sees it too
	// Not empty: Bubble Tea clears the screen at every tick for an empty frame. One blank
	// cell, always the same, it draws once and then leaves alone.
	v.Content = " "
	v.AltScreen = false
	return v
}
