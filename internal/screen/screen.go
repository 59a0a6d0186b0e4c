// Package screen draws a board on the local terminal with work in proportion to what
// changed, and only when it changed.
//
// Bubble Tea's renderer wakes at its frame rate whether or not the frame changed, and for
// every changed frame clears its cell buffer, parses the whole frame again and compares
// every cell of every line: about 3 ms for a 200×50 board here, every second, plus the
// idle wake-ups (on a virtual machine, each costs more than a small frame). Run keeps Bubble
// Tea for what it is good at — the terminal's modes, input, resizes, colour detection — and
// gives it a blank frame to keep, while the board's frames are drawn here, at once, from
// the same goroutine as the model (Bubble Tea's event loop): lines equal to the last frame's
// are skipped by a string comparison, the changed ones parsed into a cell buffer, and
// ultraviolet's renderer (Bubble Tea's own) writes the difference of those lines' cells.
//
// Whatever Bubble Tea writes to the terminal (entering the alternate screen, its queries)
// goes through Screen's writer, which puts the whole board back right after; resizes are
// kept from Bubble Tea's renderer, which would clear the screen for them. It is for the local board (`run`, `demo`, `replay`); SSH sessions keep Bubble Tea's
// renderer (docs/performance.md).
package screen

import (
	"io"
	"os"
	"strings"
	"sync"

	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
)

// Screen is one terminal showing frames. Its methods may be called from any goroutine.
type Screen struct {
	mu      sync.Mutex
	out     io.Writer // the terminal itself
	buf     uv.ScreenBuffer
	scr     *uv.TerminalRenderer
	lines   []string // the frame on screen, by line
	w, h    int
	started bool // the alternate screen was entered
	repaint bool // someone else wrote to the terminal: draw every line again
	// foreign is called (in its own goroutine) after someone else wrote to the terminal.
	foreign func()
}

// New makes a screen on out (the terminal) for the environment env (TERM, NO_COLOR, …).
// Nothing is written until the first Draw after a Resize.
func New(out io.Writer, env []string) *Screen {
	s := &Screen{out: out, buf: uv.NewScreenBuffer(0, 0)}
	s.scr = uv.NewTerminalRenderer(out, env)
	s.scr.SetColorProfile(colorprofile.Detect(out, env))
	s.scr.SetScrollOptim(false) // a board's lines change in place; they never scroll
	return s
}

// SetColorProfile sets the colours the terminal shows (the frame's colours are brought down
// to them) and draws everything again.
func (s *Screen) SetColorProfile(p colorprofile.Profile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scr.SetColorProfile(p)
	s.repaint = true
}

// Resize sets the terminal's size; the next Draw draws everything.
func (s *Screen) Resize(w, h int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w == s.w && h == s.h {
		return
	}
	s.w, s.h = max(w, 0), max(h, 0)
	s.buf.Resize(s.w, s.h)
	s.scr.Resize(s.w, s.h)
	s.repaint = true
}

// Repaint makes the next Draw draw every line.
func (s *Screen) Repaint() {
	s.mu.Lock()
	s.repaint = true
	s.mu.Unlock()
}

// Draw shows frame (lines separated by "\n", styled with ANSI sequences): the lines that
// differ from the frame on screen are parsed and their changed cells written. The first
// Draw enters the alternate screen and hides the cursor.
func (s *Screen) Draw(frame string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == 0 || s.h == 0 {
		return nil
	}
	if !s.started {
		s.started = true
		s.scr.EnterAltScreen()
		_, _ = s.scr.WriteString("\x1b[?25l") // hide the cursor
		s.repaint = true
	}
	lines := strings.SplitN(frame, "\n", s.h+1)
	if len(lines) > s.h {
		lines = lines[:s.h]
	}
	full := s.repaint
	if full {
		s.scr.Erase()
		s.repaint = false
	}
	for y := range s.h {
		var l string
		if y < len(lines) {
			l = lines[y]
		}
		if !full && y < len(s.lines) && s.lines[y] == l {
			continue
		}
		row := uv.Rect(0, y, s.w, 1)
		s.buf.ClearArea(row)
		uv.NewStyledString(l).Draw(s.buf, row)
	}
	s.lines = append(s.lines[:0], lines...)
	for len(s.lines) < s.h {
		s.lines = append(s.lines, "")
	}
	s.scr.Render(s.buf.RenderBuffer)
	return s.scr.Flush()
}

// Close leaves the alternate screen (the terminal shows what it showed before the first
// Draw) and shows the cursor. Nothing is drawn after it.
func (s *Screen) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		_, _ = io.WriteString(s.out, "\x1b[?1049l\x1b[?25h")
	}
	s.started, s.w, s.h = false, 0, 0
}

// Writer is the terminal for another writer (Bubble Tea's): what it writes goes to the
// terminal between two frames, and the next Draw draws every line again (it may have
// cleared the screen). It keeps tty's file descriptor, so that the writer still sees a
// terminal it can size and set modes on.
func (s *Screen) Writer(tty *os.File) *Foreign { return &Foreign{s: s, f: tty} }

// OnForeign sets what is called, in its own goroutine, after another writer wrote to the
// terminal (typically: send the program a message, so that it draws again).
func (s *Screen) OnForeign(f func()) {
	s.mu.Lock()
	s.foreign = f
	s.mu.Unlock()
}

// Foreign is the terminal as another writer sees it.
type Foreign struct {
	s *Screen
	f *os.File
}

// Write writes p to the terminal between two frames.
func (w *Foreign) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	n, err := w.s.out.Write(p)
	w.s.repaint = true
	notify := w.s.foreign
	w.s.mu.Unlock()
	if notify != nil && len(p) > 0 {
		go notify()
	}
	return n, err
}

// Read reads from the terminal (term.File).
func (w *Foreign) Read(p []byte) (int, error) { return w.f.Read(p) }

// Close does nothing: the terminal is not the writer's to close.
func (w *Foreign) Close() error { return nil }

// Fd is the terminal's file descriptor, for sizing it and setting its modes.
func (w *Foreign) Fd() uintptr { return w.f.Fd() }
