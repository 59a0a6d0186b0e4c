package sshserver

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// screen is a small terminal emulator for tests: it applies what a session wrote (text,
// cursor moves, erases, inserts, deletes, scrolls) to a grid of cells, so a test reads the
// screen a person would see rather than the renderer's byte stream, which only carries the
// cells that changed.
type screen struct {
	mu       sync.Mutex
	w, h     int
	cells    [][]string
	x, y     int
	top, bot int // scroll region, inclusive
	saveX    int
	saveY    int
	wrap     bool // autowrap mode
	insert   bool // insert mode (IRM)
	pendWrap bool
	last     string
	pending  []byte
	p        *ansi.Parser
	raw      int64
}

func newScreen(w, h int) *screen {
	s := &screen{w: w, h: h, wrap: true, p: ansi.NewParser()}
	s.resize(w, h)
	return s
}

func (s *screen) resize(w, h int) {
	s.w, s.h = w, h
	s.cells = make([][]string, h)
	for i := range s.cells {
		s.cells[i] = blankRow(w)
	}
	s.top, s.bot, s.x, s.y = 0, h-1, 0, 0
}

func blankRow(w int) []string {
	r := make([]string, w)
	for i := range r {
		r[i] = " "
	}
	return r
}

// Write applies output; an incomplete sequence at the end waits for the next write.
func (s *screen) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.raw += int64(len(b))
	buf := append(s.pending, b...)
	for len(buf) > 0 {
		seq, width, n, st := ansi.DecodeSequenceWc(buf, ansi.NormalState, s.p)
		if n == len(buf) && (st != ansi.NormalState || (width > 0 && !utf8.FullRune(buf))) {
			break
		}
		s.apply(seq, width)
		buf = buf[n:]
	}
	s.pending = append([]byte(nil), buf...)
	return len(b), nil
}

func (s *screen) apply(seq []byte, width int) {
	switch {
	case width > 0:
		s.print(string(seq), width)
	case len(seq) == 1:
		s.control(seq[0])
	case ansi.HasCsiPrefix(seq):
		s.csi(ansi.Cmd(s.p.Command()))
	case ansi.HasEscPrefix(seq) && len(seq) == 2:
		s.esc(seq[1])
	}
}

func (s *screen) print(g string, width int) {
	if s.pendWrap && s.wrap {
		s.x = 0
		s.lineFeed()
	}
	s.pendWrap = false
	if s.insert {
		s.insertCells(width)
	}
	if s.x < s.w {
		s.cells[s.y][s.x] = g
		for i := 1; i < width && s.x+i < s.w; i++ {
			s.cells[s.y][s.x+i] = ""
		}
	}
	s.last = g
	s.x += width
	if s.x >= s.w {
		s.x = s.w - 1
		s.pendWrap = true
	}
}

func (s *screen) control(c byte) {
	s.pendWrap = false
	switch c {
	case '\r':
		s.x = 0
	case '\n', '\v', '\f':
		s.lineFeed()
	case '\b':
		s.x = max(0, s.x-1)
	case '\t':
		s.x = min(s.w-1, (s.x/8+1)*8)
	}
}

func (s *screen) esc(c byte) {
	switch c {
	case 'M':
		if s.y == s.top {
			s.scroll(-1)
		} else {
			s.y = max(0, s.y-1)
		}
	case 'D':
		s.lineFeed()
	case 'E':
		s.x = 0
		s.lineFeed()
	case '7':
		s.saveX, s.saveY = s.x, s.y
	case '8':
		s.x, s.y = s.saveX, s.saveY
	}
}

func (s *screen) lineFeed() {
	if s.y == s.bot {
		s.scroll(1)
		return
	}
	s.y = min(s.h-1, s.y+1)
}

// scroll moves the scroll region's lines up by n (down when n < 0).
func (s *screen) scroll(n int) {
	for ; n > 0; n-- {
		copy(s.cells[s.top:s.bot+1], s.cells[s.top+1:s.bot+1])
		s.cells[s.bot] = blankRow(s.w)
	}
	for ; n < 0; n++ {
		copy(s.cells[s.top+1:s.bot+1], s.cells[s.top:s.bot])
		s.cells[s.top] = blankRow(s.w)
	}
}

func (s *screen) param(i, def int) int {
	v, _ := s.p.Param(i, def)
	if v == 0 && def == 1 {
		return 1
	}
	return v
}

func (s *screen) csi(cmd ansi.Cmd) {
	s.pendWrap = false
	if cmd.Prefix() == '?' {
		s.privateMode(cmd.Final())
		return
	}
	if cmd.Prefix() != 0 || cmd.Intermediate() != 0 {
		return
	}
	n := s.param(0, 1)
	switch cmd.Final() {
	case 'A':
		s.y = max(0, s.y-n)
	case 'B':
		s.y = min(s.h-1, s.y+n)
	case 'C':
		s.x = min(s.w-1, s.x+n)
	case 'D':
		s.x = max(0, s.x-n)
	case 'E':
		s.x, s.y = 0, min(s.h-1, s.y+n)
	case 'F':
		s.x, s.y = 0, max(0, s.y-n)
	case 'G', '`':
		s.x = clampInt(n-1, 0, s.w-1)
	case 'd':
		s.y = clampInt(n-1, 0, s.h-1)
	case 'H', 'f':
		s.y, s.x = clampInt(n-1, 0, s.h-1), clampInt(s.param(1, 1)-1, 0, s.w-1)
	case 'J':
		s.eraseDisplay(s.param(0, 0))
	case 'K':
		s.eraseLine(s.param(0, 0))
	case 'X':
		for i := s.x; i < min(s.w, s.x+n); i++ {
			s.cells[s.y][i] = " "
		}
	case '@':
		s.insertCells(n)
	case 'P':
		row := s.cells[s.y]
		n = min(n, s.w-s.x)
		copy(row[s.x:], row[s.x+n:])
		for i := s.w - n; i < s.w; i++ {
			row[i] = " "
		}
	case 'L', 'M':
		s.insertDeleteLines(n, cmd.Final() == 'L')
	case 'S':
		s.scroll(n)
	case 'T':
		s.scroll(-n)
	case 'r':
		s.top, s.bot = clampInt(s.param(0, 1)-1, 0, s.h-1), clampInt(s.param(1, s.h)-1, 0, s.h-1)
		s.x, s.y = 0, 0
	case 'b':
		for range n {
			s.print(s.last, 1)
		}
	case 'I':
		s.x = min(s.w-1, (s.x/8+n)*8)
	case 'Z':
		s.x = max(0, (s.x/8-n+1)*8-8)
	case 'h', 'l':
		if s.param(0, 0) == 4 {
			s.insert = cmd.Final() == 'h'
		}
	case 's':
		s.saveX, s.saveY = s.x, s.y
	case 'u':
		s.x, s.y = s.saveX, s.saveY
	}
}

func (s *screen) privateMode(final byte) {
	on := final == 'h'
	if final != 'h' && final != 'l' {
		return
	}
	for _, p := range s.p.Params() {
		switch p.Param(0) {
		case 7:
			s.wrap = on
		case 1049, 47, 1047:
			s.resize(s.w, s.h)
		}
	}
}

func (s *screen) insertCells(n int) {
	row := s.cells[s.y]
	n = min(n, s.w-s.x)
	copy(row[s.x+n:], row[s.x:s.w-n])
	for i := s.x; i < s.x+n; i++ {
		row[i] = " "
	}
}

func (s *screen) insertDeleteLines(n int, ins bool) {
	if s.y < s.top || s.y > s.bot {
		return
	}
	top := s.top
	s.top = s.y
	if ins {
		s.scroll(-n)
	} else {
		s.scroll(n)
	}
	s.top = top
	s.x = 0
}

func (s *screen) eraseLine(mode int) {
	row := s.cells[s.y]
	from, to := s.x, s.w
	switch mode {
	case 1:
		from, to = 0, s.x+1
	case 2:
		from = 0
	}
	for i := from; i < min(to, s.w); i++ {
		row[i] = " "
	}
}

func (s *screen) eraseDisplay(mode int) {
	switch mode {
	case 0:
		s.eraseLine(0)
		for y := s.y + 1; y < s.h; y++ {
			s.cells[y] = blankRow(s.w)
		}
	case 1:
		s.eraseLine(1)
		for y := 0; y < s.y; y++ {
			s.cells[y] = blankRow(s.w)
		}
	default:
		for y := range s.cells {
			s.cells[y] = blankRow(s.w)
		}
	}
}

// text returns the screen as lines of text.
func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines := make([]string, len(s.cells))
	for i, row := range s.cells {
		lines[i] = strings.TrimRight(strings.Join(row, ""), " ")
	}
	return strings.Join(lines, "\n")
}

func (s *screen) bytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.raw
}

func clampInt(v, lo, hi int) int { return min(max(v, lo), hi) }
