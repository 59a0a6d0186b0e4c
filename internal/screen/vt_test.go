package screen

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// vt is a small terminal for the tests: it keeps what a terminal would show for what
// Screen writes (cursor moves, erases, SGR, wrapping, the alternate screen), and fails the
// test on anything a board's screen should never do, such as writing past the right edge.
type vt struct {
	t      testing.TB
	w, h   int
	cells  [][]vcell
	x, y   int
	pen    []string // the SGR parameter lists since the last reset
	nowrap bool
}

// vcell is what one column shows: its cluster ("" for the right half of a wide one) and
// the style it was drawn with.
type vcell struct{ s, pen string }

func newVT(t testing.TB, w, h int) *vt {
	v := &vt{t: t, w: w, h: h}
	v.clear()
	return v
}

func (v *vt) clear() {
	v.cells = make([][]vcell, v.h)
	for y := range v.cells {
		v.cells[y] = make([]vcell, v.w)
		v.eraseLine(y, 0)
	}
}

func (v *vt) eraseLine(y, from int) {
	for x := from; x < v.w; x++ {
		v.cells[y][x] = vcell{s: " ", pen: strings.Join(v.pen, ";")}
	}
}

// Write interprets p.
func (v *vt) Write(p []byte) (int, error) {
	s := string(p)
	for len(s) > 0 {
		if s[0] == ansi.ESC {
			n := escapeLen(s)
			v.escape(s[:n])
			s = s[n:]
			continue
		}
		if s[0] < 0x20 || s[0] == 0x7f {
			v.t.Fatalf("a control character %q was written", s[0])
		}
		c, w := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
		s = s[len(c):]
		if v.x+w > v.w {
			if !v.nowrap {
				v.t.Fatalf("%q written at column %d of row %d wraps onto the next line", c, v.x, v.y)
			}
			v.x = v.w // clipped at the edge, and so is all that follows
			continue
		}
		v.cells[v.y][v.x] = vcell{s: c, pen: strings.Join(v.pen, ";")}
		for i := 1; i < w; i++ {
			v.cells[v.y][v.x+i] = vcell{pen: strings.Join(v.pen, ";")}
		}
		v.x += w
	}
	return len(p), nil
}

func (v *vt) escape(seq string) {
	if len(seq) < 3 || seq[1] != '[' {
		v.t.Fatalf("an escape sequence the board never writes: %q", seq)
	}
	params, final := seq[2:len(seq)-1], seq[len(seq)-1]
	num := func(i, def int) int {
		f := strings.Split(params, ";")
		if i >= len(f) || f[i] == "" {
			return def
		}
		n, err := strconv.Atoi(f[i])
		if err != nil {
			v.t.Fatalf("bad parameter in %q", seq)
		}
		return n
	}
	switch {
	case final == 'm':
		for _, p := range strings.Split(params, ";") {
			if p == "" || p == "0" {
				v.pen = v.pen[:0]
				continue
			}
			v.pen = append(v.pen, p)
		}
	case final == 'H':
		v.y, v.x = num(0, 1)-1, num(1, 1)-1
		if v.y < 0 || v.y >= v.h || v.x < 0 || v.x >= v.w {
			v.t.Fatalf("the cursor moved off the screen: %q", seq)
		}
	case final == 'J' && params == "2":
		v.clear()
	case final == 'K' && (params == "" || params == "0"):
		v.eraseLine(v.y, v.x)
	case final == 'K' && params == "2":
		v.eraseLine(v.y, 0)
	case params == "?7" && (final == 'h' || final == 'l'):
		v.nowrap = final == 'l'
	case params == "?1049" || params == "?25":
	default:
		v.t.Fatalf("an escape sequence the board never writes: %q", seq)
	}
}

// String is the screen as text, with each cell's style where it is not the default.
func (v *vt) String() string {
	var b strings.Builder
	for _, line := range v.cells {
		for _, c := range line {
			b.WriteString(c.s)
			if c.pen != "" && (c.s != " " || shows(c.pen)) {
				fmt.Fprintf(&b, "{%s}", c.pen)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// shows says whether a space drawn with pen (SGR parameters) looks other than blank: pen
// has anything but foreground colours, bold, faint and italic.
func shows(pen string) bool {
	f := strings.Split(pen, ";")
	for i := 0; i < len(f); i++ {
		switch n, _ := strconv.Atoi(f[i]); {
		case n == 38 && i+1 < len(f) && f[i+1] == "5":
			i += 2
		case n == 38 && i+1 < len(f) && f[i+1] == "2":
			i += 4
		case n >= 1 && n <= 3, n >= 30 && n <= 37, n >= 90 && n <= 97:
		default:
			return true
		}
	}
	return false
}

// want is what a terminal of w×h shows for frame, drawn from nothing: each line from
// column 0, cut at the right edge.
func want(t testing.TB, frame string, w, h int) string {
	v := newVT(t, w, h)
	v.nowrap = true
	for y, l := range strings.SplitN(frame, "\n", h+1) {
		if y == h {
			break
		}
		fmt.Fprintf(v, "\x1b[%dH\x1b[m", y+1)
		var kept strings.Builder // without control characters, which Screen leaves out
		for i := range len(l) {
			if c := l[i]; c >= 0x20 && c != 0x7f || c == 0x1b {
				kept.WriteByte(c)
			}
		}
		fmt.Fprint(v, kept.String())
	}
	return v.String()
}

// pieces are what random lines are made of: the board's letters, box drawing, braille,
// blocks and shapes, styles as Lip Gloss writes them, and the odd cluster that is wide, an
// emoji, combining, or a control character.
var pieces = []string{
	"backend-07", " ", "  ", "5.8 ms", "·", "─", "│", "┤", "⣿⣀⡠", "▁▂▃▅▇", "●", "◐", "▲", "✓",
	"\x1b[38;5;244m", "\x1b[1;38;2;255;95;95m", "\x1b[m", "\x1b[0m", "\x1b[7m", "\x1b[0;2m",
	"日本", "⚡", "e\u0301", "👍🏽", "\t",
}

// tokenBoundary is the last end of a rune or escape sequence in l at or before n.
func tokenBoundary(l string, n int) int {
	at := 0
	for i := 0; i < len(l); {
		size := 1
		if l[i] == ansi.ESC {
			size = escapeLen(l[i:])
		} else {
			_, size = utf8.DecodeRuneInString(l[i:])
		}
		if i+size > n {
			break
		}
		i += size
		at = i
	}
	return at
}

func randomLine(r *rand.Rand, w int) string {
	var b strings.Builder
	for b.Len() < w*2 && r.IntN(12) != 0 {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// TestDrawShowsEveryFrame draws random frames, each a random change of the last (a few
// lines rewritten, a line cut short, lines dropped), and after each one checks that the
// terminal shows exactly what it would show for that frame drawn from nothing — text and
// style of every cell — while writing less than a whole frame when little changed.
func TestDrawShowsEveryFrame(t *testing.T) {
	for seed := uint64(1); seed <= 200; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		w, h := 8+r.IntN(60), 2+r.IntN(12)
		term := newVT(t, w, h)
		s := New(term, env)
		s.SetColorProfile(colorprofile.TrueColor)
		s.Resize(w, h)
		lines := make([]string, h+r.IntN(2))
		for i := range lines {
			lines[i] = randomLine(r, w)
		}
		for step := range 30 {
			switch r.IntN(4) {
			case 0:
				lines[r.IntN(len(lines))] = randomLine(r, w)
			case 1: // a small change inside a line
				i := r.IntN(len(lines))
				lines[i] = strings.Replace(lines[i], "5.8", strconv.Itoa(r.IntN(100)), 1) + pieces[r.IntN(len(pieces))]
			case 2:
				i := r.IntN(len(lines))
				lines[i] = lines[i][:tokenBoundary(lines[i], len(lines[i])/2)]
			case 3:
				lines = lines[:max(1, len(lines)-r.IntN(3))]
				for len(lines) < h && r.IntN(2) == 0 {
					lines = append(lines, randomLine(r, w))
				}
			}
			frame := strings.Join(lines, "\n")
			if err := s.Draw(frame); err != nil {
				t.Fatal(err)
			}
			if got, exp := term.String(), want(t, frame, w, h); got != exp {
				t.Fatalf("seed %d step %d (%dx%d): the terminal shows\n%q\nfor the frame\n%q\nwhich drawn from nothing shows\n%q", seed, step, w, h, got, frame, exp)
			}
		}
	}
}

// TestSmallChangeWritesLittle: on a styled 200-column line, changing one value rewrites
// that value, not the line.
func TestSmallChangeWritesLittle(t *testing.T) {
	var out bytes.Buffer
	s := New(&out, env)
	s.SetColorProfile(colorprofile.TrueColor)
	s.Resize(200, 3)
	line := func(v string) string {
		return "\x1b[1m backend-07\x1b[m  \x1b[38;2;95;255;95m✓ " + v + " ms\x1b[m  " + strings.Repeat("⣀⣤⣶⣿", 40)
	}
	_ = s.Draw(line("5.8"))
	out.Reset()
	_ = s.Draw(line("6.1"))
	if got := out.String(); len(got) > 40 || !strings.Contains(got, "6.1") {
		t.Fatalf("changing one value wrote %d bytes: %q", len(got), got)
	}
}
