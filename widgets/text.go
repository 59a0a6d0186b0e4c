package widgets

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// textWidth is the number of cells plain (already sanitized) text takes.
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// truncate cuts plain text to at most w cells, ending in … when it cut.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if textWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// line builds one row of styled cells and counts its width as it goes.
type line struct {
	b  strings.Builder
	st *Styles
	w  int  // cells written so far
	on bool // painting on the selected background
}

func newLine(st *Styles, width int, selected bool) *line {
	l := &line{st: st, on: selected}
	l.b.Grow(width * 3)
	return l
}

func (l *line) paint(p paintID) paint {
	if l.on {
		return l.st.sel[p]
	}
	return l.st.paints[p]
}

// raw writes already-sized plain text of w cells in paint p.
func (l *line) raw(p paintID, s string, w int) {
	if s == "" {
		return
	}
	pt := l.paint(p)
	l.b.WriteString(pt.pre)
	l.b.WriteString(s)
	l.b.WriteString(pt.post)
	l.w += w
}

// cell writes s in exactly w cells, left-aligned: cut with … or padded with spaces.
func (l *line) cell(p paintID, s string, w int) {
	l.fit(p, s, w, false)
}

func (l *line) fit(p paintID, s string, w int, right bool) {
	if w <= 0 {
		return
	}
	s = truncate(s, w)
	gap := w - textWidth(s)
	if right {
		l.space(gap)
	}
	l.raw(p, s, w-gap)
	if !right {
		l.space(gap)
	}
}

// space writes n blanks (on the selected background when the row is selected).
func (l *line) space(n int) {
	if n <= 0 {
		return
	}
	l.raw(pPlain, spaces(n), n)
}

// finish pads the row to width cells (or cuts it, which a correct layout never needs).
func (l *line) finish(width int) string {
	if l.w < width {
		l.space(width - l.w)
	}
	s := l.b.String()
	if l.w > width {
		s = ansi.Truncate(s, width, "")
		s += spaces(width - ansi.StringWidth(s))
	}
	return s
}

const blanks = "                                                                                "

func spaces(n int) string {
	if n <= len(blanks) {
		return blanks[:n]
	}
	return strings.Repeat(" ", n)
}

// blankLines returns n rows of width spaces joined by newlines.
func blankLines(width, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = spaces(width)
	}
	return out
}

// frame joins rows and pads them with blank rows up to height (when height > 0).
func frame(rows []string, width, height int) string {
	if height > 0 && len(rows) < height {
		rows = append(rows, blankLines(width, height-len(rows))...)
	}
	return strings.Join(rows, "\n")
}

func clampInt(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
