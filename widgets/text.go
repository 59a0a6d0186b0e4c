package widgets

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// textWidth is the number of cells plain (already sanitized) text takes. Text made only of
// runes known to take one cell (ASCII, Latin, and the arrows, blocks, shapes and marks the
// widgets draw) is counted by rune; anything else is measured by grapheme cluster.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		if !narrow(r) {
			return ansi.StringWidth(s)
		}
		n++
	}
	return n
}

// narrow reports runes that always take one cell and never join a grapheme cluster with a
// neighbour. Emoji presentation selectors and joiners are not narrow, so text holding them is
// measured in full.
func narrow(r rune) bool {
	switch {
	case r < 0x300:
		return r >= 0x20 && (r < 0x7f || r >= 0xa0)
	case r >= 0x2010 && r <= 0x2027, // dashes, quotes, bullets, …
		r >= 0x2190 && r <= 0x21ff, // arrows
		r >= 0x2500 && r <= 0x25fc, // box drawing, blocks, geometric shapes (25FD/25FE are wide)
		r == 0x2713 || r == 0x2717 || r == 0x2691 || r == 0x293c:
		return true
	}
	return false
}

// truncate cuts plain text to at most w cells, ending in … when it cut.
func truncate(s string, w int) string {
	s, _ = truncateW(s, w)
	return s
}

// truncateW is truncate that also returns the width of its result.
func truncateW(s string, w int) (string, int) {
	if w <= 0 {
		return "", 0
	}
	if sw := textWidth(s); sw <= w {
		return s, sw
	}
	// ansi.Truncate can overshoot by a cell when a grapheme widens after its first rune
	// (a keycap: "0" then U+FE0F), so cut shorter until it fits.
	for lim := w; lim >= 0; lim-- {
		t := ansi.Truncate(s, lim, "…")
		if tw := textWidth(t); tw <= w {
			return t, tw
		}
	}
	return "", 0
}

// line builds one row of styled cells and counts its width as it goes. Consecutive writes
// in the same paint share one pair of escape sequences.
type line struct {
	b   strings.Builder
	st  *Styles
	w   int     // cells written so far
	on  bool    // painting on the selected background
	cur paintID // the paint whose sequence is open; -1 for none
}

func newLine(st *Styles, width int, selected bool) *line {
	l := &line{st: st, on: selected, cur: -1}
	l.b.Grow(width*3 + 128)
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
	if p != l.cur {
		l.close()
		l.b.WriteString(l.paint(p).pre)
		l.cur = p
	}
	l.b.WriteString(s)
	l.w += w
}

// close ends the open paint.
func (l *line) close() {
	if l.cur >= 0 {
		l.b.WriteString(l.paint(l.cur).post)
		l.cur = -1
	}
}

// cell writes s in exactly w cells, left-aligned: cut with … or padded with spaces.
func (l *line) cell(p paintID, s string, w int) {
	l.fit(p, s, w, false)
}

func (l *line) fit(p paintID, s string, w int, right bool) {
	if w <= 0 {
		return
	}
	s, sw := truncateW(s, w)
	gap := w - sw
	if right {
		l.space(gap)
	}
	l.raw(p, s, w-gap)
	if !right {
		l.space(gap)
	}
}

// space writes n blanks. Blanks look the same in any colour, so they stay inside the open
// paint unless that paint draws on blanks too (strikethrough).
func (l *line) space(n int) {
	if n <= 0 {
		return
	}
	if l.cur >= 0 && l.cur != pStrike {
		l.b.WriteString(spaces(n))
		l.w += n
		return
	}
	l.raw(pPlain, spaces(n), n)
}

// finish pads the row to width cells (or cuts it, which a correct layout never needs).
func (l *line) finish(width int) string {
	if l.w < width {
		l.space(width - l.w)
	}
	l.close()
	s := l.b.String()
	if l.w > width {
		for lim := width; lim >= 0; lim-- {
			t := ansi.Truncate(s, lim, "")
			if tw := ansi.StringWidth(t); tw <= width {
				return t + spaces(width-tw)
			}
		}
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
