// Package screen draws a board on the local terminal with work in proportion to what
// changed, and only when it changed.
//
// Bubble Tea's renderer wakes at its frame rate whether or not the frame changed, and for
// every changed frame clears its cell buffer, parses the whole frame again and compares
// every cell of every line: about 3 ms for a 200×50 board here, every second, plus the
// idle wake-ups (on a virtual machine, each costs more than a small frame), and two cell
// buffers of 112 bytes a cell (2.2 MB at 200×50, twice that in a Go heap). Run keeps Bubble
// Tea for what it is good at — the terminal's modes, input, resizes, colour detection — and
// gives it a blank frame to keep, while the board's frames are drawn here, at once, from
// the same goroutine as the model (Bubble Tea's event loop).
//
// A Screen keeps the frame on screen as its lines, each with its cells: 24 bytes a cell,
// pointing into the line's own text. Lines equal to the last frame's are skipped by a string
// comparison; a changed line is cut into cells and compared with the old one cell by cell,
// and each run of changed cells is written as the line's own bytes for those cells, after a
// cursor move and the style in force where the run starts. A line with a cell that is not
// one column wide, or whose width a terminal may count otherwise (a wide character, an
// emoji, a combining cluster), is written whole instead, with wrapping off, so that it
// cannot spill onto the next line whatever the terminal makes of it.
//
// Whatever Bubble Tea writes to the terminal (entering the alternate screen, its queries)
// goes through Screen's writer, which puts the whole board back right after; resizes are
// kept from Bubble Tea's renderer, which would clear the screen for them. It is for the
// local board (`run`, `demo`, `replay`); SSH sessions keep Bubble Tea's renderer
// (docs/performance.md).
package screen

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/colorprofile"
)

// Screen is one terminal showing frames. Its methods may be called from any goroutine.
type Screen struct {
	mu      sync.Mutex
	out     io.Writer           // the terminal itself
	cw      colorprofile.Writer // buf, with colours brought down to what the terminal shows
	rows    []row               // the frame on screen, by line
	scratch []cell              // a changed line's cells, swapped with its row's
	w, h    int
	pen     string // the style the terminal draws with now ("" is the default)
	buf     bytes.Buffer
	sifted  []byte // what another writer's last write kept (see sift)
	widths  widths
	started bool // the alternate screen was entered
	repaint bool // the terminal's screen may not show rows: draw every line again
	// foreign is called (in its own goroutine) after someone else wrote to the terminal.
	foreign func()
}

// New makes a screen on out (the terminal) for the environment env (TERM, NO_COLOR, …).
// Nothing is written until the first Draw after a Resize.
func New(out io.Writer, env []string) *Screen {
	s := &Screen{out: out}
	s.cw = colorprofile.Writer{Forward: &s.buf, Profile: colorprofile.Detect(out, env)}
	return s
}

// SetColorProfile sets the colours the terminal shows (the frame's colours are brought down
// to them); if they changed, the next Draw draws everything again.
func (s *Screen) SetColorProfile(p colorprofile.Profile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cw.Profile != p {
		s.cw.Profile = p
		s.repaint = true
	}
}

// Resize sets the terminal's size; the next Draw draws everything.
func (s *Screen) Resize(w, h int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w == s.w && h == s.h {
		return
	}
	s.w, s.h = max(w, 0), max(h, 0)
	s.repaint = true
}

// Repaint makes the next Draw draw every line.
func (s *Screen) Repaint() {
	s.mu.Lock()
	s.repaint = true
	s.mu.Unlock()
}

// Draw shows frame (lines separated by "\n", styled with ANSI SGR sequences): the cells
// that differ from the frame on screen are written, line by line. The first Draw enters
// the alternate screen and hides the cursor.
func (s *Screen) Draw(frame string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == 0 || s.h == 0 {
		return nil
	}
	s.buf.Reset()
	if !s.started {
		s.started = true
		s.buf.WriteString("\x1b[?1049h\x1b[?25l") // the alternate screen, the cursor hidden
		s.repaint = true
	}
	full := s.repaint
	if full {
		s.repaint = false
		s.buf.WriteString("\x1b[m\x1b[H\x1b[2J")
		s.pen = ""
		s.rows = s.rows[:0]
	}
	for len(s.rows) < s.h {
		s.rows = append(s.rows, row{})
	}
	s.rows = s.rows[:s.h]
	for y := range s.h {
		var l string
		if i := strings.IndexByte(frame, '\n'); i >= 0 {
			l, frame = frame[:i], frame[i+1:]
		} else {
			l, frame = frame, ""
		}
		if !full && s.rows[y].text == l {
			continue
		}
		s.drawLine(y, l, full)
	}
	if s.pen != "" {
		s.buf.WriteString("\x1b[m")
		s.pen = ""
	}
	if s.buf.Len() == 0 {
		return nil
	}
	_, err := s.out.Write(s.buf.Bytes())
	return err
}

// drawLine brings line y of the screen from its row to text. blank says the line is blank
// on screen (the screen was just cleared).
func (s *Screen) drawLine(y int, text string, blank bool) {
	old := &s.rows[y]
	// A copy of its own: a part of the frame would keep the whole frame alive as long as
	// the line stays the same, and the screen as many frames as it has lines.
	text = strings.Clone(text)
	cells, whole := s.cells(text, s.scratch[:0])
	switch {
	case whole:
		s.writeWhole(y, text, blank || len(old.cells) == 0 && !old.whole)
	case old.whole || blank:
		if old.whole && !blank {
			s.moveTo(y, 0)
			s.setPen("")
			s.buf.WriteString("\x1b[2K")
		}
		s.writeChanges(y, &row{}, text, cells) // to a blank line
	default:
		s.writeChanges(y, old, text, cells)
	}
	s.scratch = old.cells
	*old = row{text: text, cells: cells, whole: whole}
	if whole {
		old.cells = cells[:0]
	}
}

// writeChanges writes the runs of cells that differ between old and the new line (text,
// cells), and erases what the old line had beyond the new one's end.
func (s *Screen) writeChanges(y int, old *row, text string, cells []cell) {
	for x := 0; x < len(cells); {
		if unchanged(old, x, text, cells[x]) {
			x++
			continue
		}
		end := x + 1 // the run is cells[x:end]; it grows over short stretches of equal cells
		for gap := end; gap < len(cells); gap++ {
			if unchanged(old, gap, text, cells[gap]) {
				if cells[gap].off-cells[end-1].end > mergeBytes {
					break // a long stretch of equal cells: a cursor move is cheaper
				}
				continue
			}
			end = gap + 1
		}
		s.writeRun(y, text, cells, x, end)
		x = end
	}
	if len(old.cells) > len(cells) {
		s.moveTo(y, len(cells))
		s.setPen("")
		s.buf.WriteString("\x1b[K")
	}
}

// mergeBytes is how many bytes of unchanged cells a run writes again rather than move the
// cursor over them (a move costs up to 9 bytes, and the style after it up to ~20).
const mergeBytes = 12

// unchanged says whether cell c of text is what column x of the line old shows: its cell
// there, or past old's cells (where the screen's line is blank) a blank one.
func unchanged(old *row, x int, text string, c cell) bool {
	if x < len(old.cells) {
		return same(old.text, old.cells[x], text, c)
	}
	return blank(text, c)
}

// same says whether cell a of line at and cell b of line bt look the same.
func same(at string, a cell, bt string, b cell) bool {
	if a.sgr == b.sgr && at[a.off:a.end] == bt[b.off:b.end] {
		return true
	}
	return blank(at, a) && blank(bt, b)
}

// blank says whether cell c of text looks like an erased cell: a space in a style that
// shows nothing on a space (a foreground colour, bold, faint, italic).
func blank(text string, c cell) bool {
	return c.end-c.off == 1 && text[c.off] == ' ' && (c.sgr == "" || plain(c.sgr))
}

// writeRun writes cells[i:j] of text at row y: a cursor move, the style in force at cell i,
// then the line's own bytes from cell i to the end of cell j-1 (with their style changes).
func (s *Screen) writeRun(y int, text string, cells []cell, i, j int) {
	s.moveTo(y, i)
	s.setPen(cells[i].sgr)
	s.styled(text[cells[i].off:cells[j-1].end])
	s.pen = cells[j-1].sgr
}

// writeWhole writes text whole at row y, erased first unless blank, cut at the screen's
// width by this package's count and with wrapping off, so that a terminal counting a wide
// cluster otherwise cannot carry it onto the next line.
func (s *Screen) writeWhole(y int, text string, blank bool) {
	s.moveTo(y, 0)
	s.setPen("")
	if !blank {
		s.buf.WriteString("\x1b[2K")
	}
	s.buf.WriteString("\x1b[?7l")
	s.writeCut(text)
	s.buf.WriteString("\x1b[m\x1b[?7h")
	s.pen = ""
}

// moveTo moves the cursor to column x of row y (from 0).
func (s *Screen) moveTo(y, x int) {
	var b [24]byte
	p := append(b[:0], "\x1b["...)
	p = strconv.AppendInt(p, int64(y+1), 10)
	if x > 0 {
		p = append(p, ';')
		p = strconv.AppendInt(p, int64(x+1), 10)
	}
	p = append(p, 'H')
	s.buf.Write(p)
}

// setPen makes sgr (the SGR sequences in force, "" for none) the terminal's style.
func (s *Screen) setPen(sgr string) {
	if s.pen == sgr {
		return
	}
	s.buf.WriteString("\x1b[m")
	s.styled(sgr)
	s.pen = sgr
}

// styled writes str, a part of a frame's line, with its colours brought down to the
// terminal's.
func (s *Screen) styled(str string) {
	if s.cw.Profile == colorprofile.TrueColor {
		s.buf.WriteString(str)
		return
	}
	_, _ = s.cw.WriteString(str) // to buf: no error
}

// Close leaves the alternate screen (the terminal shows what it showed before the first
// Draw) and shows the cursor. Nothing is drawn after it.
func (s *Screen) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		_, _ = io.WriteString(s.out, "\x1b[m\x1b[?1049l\x1b[?25h")
	}
	s.started, s.w, s.h = false, 0, 0
	s.rows = s.rows[:0]
}

// Writer is the terminal for another writer (Bubble Tea's): what it writes goes to the
// terminal between two frames, and the next Draw draws every line again (it may have
// cleared the screen). With tty, the writer also sees the terminal's file descriptor (a
// term.File), to size it and set its modes on; without, it sees a writer only.
func (s *Screen) Writer(tty *os.File) io.Writer {
	if tty == nil {
		return &Foreign{s: s}
	}
	return &foreignTTY{Foreign{s: s}, tty}
}

// OnForeign sets what is called, in its own goroutine, after another writer wrote to the
// terminal (typically: send the program a message, so that it draws again).
func (s *Screen) OnForeign(f func()) {
	s.mu.Lock()
	s.foreign = f
	s.mu.Unlock()
}

// Foreign is the terminal as another writer sees it.
type Foreign struct{ s *Screen }

// Write writes to the terminal, between two frames, what of p sets the terminal's modes,
// queries it or titles the window; what would draw on the screen, which is the board's, is
// left out (see sift). If p switched screens, the next Draw draws every line again.
func (w *Foreign) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	kept, switched := sift(w.s.sifted[:0], p)
	w.s.sifted = kept
	var err error
	if len(kept) > 0 {
		_, err = w.s.out.Write(kept)
	}
	notify := w.s.foreign
	if switched {
		w.s.repaint = true
	}
	w.s.mu.Unlock()
	if switched && notify != nil {
		go notify()
	}
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// foreignTTY is Foreign with the terminal's file (a term.File).
type foreignTTY struct {
	Foreign
	f *os.File
}

// Read reads from the terminal.
func (w *foreignTTY) Read(p []byte) (int, error) { return w.f.Read(p) }

// Close does nothing: the terminal is not the writer's to close.
func (w *foreignTTY) Close() error { return nil }

// Fd is the terminal's file descriptor, for sizing it and setting its modes.
func (w *foreignTTY) Fd() uintptr { return w.f.Fd() }
