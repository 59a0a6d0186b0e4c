package screen

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// row is one line of the frame on screen.
type row struct {
	text  string
	cells []cell // its cells, one a column, up to the screen's width; empty when whole
	whole bool   // it is written whole, never cell by cell (see Screen.cells)
}

// cell is one column of a line: its grapheme cluster, text[off:end], and the SGR sequences
// in force there (a part of text, or "" for the default style).
type cell struct {
	off, end int32
	sgr      string
}

// cells cuts text into its cells, appended to dst, up to the screen's width. whole says the
// line must be written whole instead: it has a cluster that is not one column wide or is
// more than one code point (a terminal may count either otherwise than this package does),
// a control character, or an escape sequence other than SGR.
func (s *Screen) cells(text string, dst []cell) (cells []cell, whole bool) {
	sgr := ""
	for i := 0; i < len(text) && len(dst) < s.w; {
		b := text[i]
		if b == ansi.ESC {
			seq := text[i : i+escapeLen(text[i:])]
			if !isSGR(seq) {
				return dst, true
			}
			sgr = applySGR(sgr, seq)
			i += len(seq)
			continue
		}
		if b < 0x20 || b == 0x7f {
			return dst, true
		}
		n := 1
		if b >= 0x80 || i+1 < len(text) && text[i+1] >= 0x80 {
			var w int
			var single bool
			n, w, single = s.widths.cluster(text[i:])
			if w != 1 || !single {
				return dst, true
			}
		}
		dst = append(dst, cell{off: int32(i), end: int32(i + n), sgr: sgr})
		i += n
	}
	return dst, false
}

// writeCut writes text up to the screen's width: its escape sequences and its clusters,
// leaving out control characters and a cluster that would cross the right edge.
func (s *Screen) writeCut(text string) {
	x, from := 0, 0 // columns written; the start of the bytes not yet written
	for i := 0; i < len(text); {
		b := text[i]
		switch {
		case b == ansi.ESC:
			i += escapeLen(text[i:])
		case b < 0x20 || b == 0x7f:
			s.styled(text[from:i])
			i++
			from = i
		default:
			n, w, _ := s.widths.cluster(text[i:])
			if x+w > s.w {
				s.styled(text[from:i])
				return
			}
			x += w
			i += n
		}
	}
	s.styled(text[from:])
}

// escapeLen is the length of the escape sequence at the start of s (s[0] is ESC): a CSI up
// to its final byte, an OSC, DCS, SOS, PM or APC up to its terminator, or ESC and one byte.
// An unterminated sequence runs to the end of s.
func escapeLen[T string | []byte](s T) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[':
		for i := 2; i < len(s); i++ {
			if s[i] >= 0x40 && s[i] <= 0x7e {
				return i + 1
			}
		}
		return len(s)
	case ']', 'P', 'X', '^', '_':
		for i := 2; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == ansi.ESC && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return len(s)
	}
	return 2
}

// isSGR says whether seq (a whole escape sequence) is Select Graphic Rendition.
func isSGR(seq string) bool {
	if len(seq) < 3 || seq[1] != '[' || seq[len(seq)-1] != 'm' {
		return false
	}
	for i := 2; i < len(seq)-1; i++ {
		if c := seq[i]; (c < '0' || c > '9') && c != ';' && c != ':' {
			return false
		}
	}
	return true
}

// applySGR is the style in force after seq, an SGR sequence, given the style sgr before it:
// a reset starts again, anything else adds to sgr.
func applySGR(sgr, seq string) string {
	params := seq[2 : len(seq)-1]
	switch {
	case params == "" || params == "0":
		return ""
	case sgr == "" || params[0] == ';' || strings.HasPrefix(params, "0;"):
		return seq
	}
	return sgr + seq
}

// plain says whether sgr, SGR sequences, leave a space looking blank: they set only
// foreground colours, bold, faint, italic, blinking or their resets — no background,
// reverse video, underline, strike-through, overline or concealment.
func plain(sgr string) bool {
	for len(sgr) > 0 {
		n := escapeLen(sgr)
		params := sgr[2 : n-1]
		sgr = sgr[n:]
		for len(params) > 0 {
			var p string
			p, params, _ = strings.Cut(params, ";")
			code, _, _ := strings.Cut(p, ":")
			switch code {
			case "", "0", "1", "2", "3", "5", "6", "22", "23", "25", "39",
				"30", "31", "32", "33", "34", "35", "36", "37",
				"90", "91", "92", "93", "94", "95", "96", "97":
			case "38": // a foreground colour: 38;5;n or 38;2;r;g;b (or with colons, in p)
				if !strings.Contains(p, ":") {
					var kind string
					kind, rest, _ := strings.Cut(params, ";")
					params = rest
					skip := 0
					switch kind {
					case "5":
						skip = 1
					case "2":
						skip = 3
					}
					for range skip {
						_, params, _ = strings.Cut(params, ";")
					}
				}
			default:
				return false
			}
		}
	}
	return true
}

// widths are the display widths of the code points that are cheap to cut into clusters.
type widths struct {
	t [fastLimit]uint8 // width+1 of each rune below fastLimit, once known; 0 unknown
}

// fastLimit bounds the runes widths keeps.
const fastLimit = 0x2c00

// fast says whether r is a cluster of its own when the next rune is ASCII or fast too: it
// is neither a combining mark, a joiner, a prepended or format character, a regional
// indicator nor Hangul. The board's letters, punctuation, arrows, box drawing, blocks,
// shapes, symbols and braille are.
func fast(r rune) bool {
	switch {
	case r >= 0x20 && r < 0x7f, r >= 0xa0 && r < 0x300:
		return true
	case r >= 0x2010 && r < 0x2028, r >= 0x2030 && r < 0x205f, r >= 0x2070 && r < 0x20d0:
		return true
	case r >= 0x2100 && r < fastLimit:
		return true
	}
	return false
}

// cluster is the grapheme cluster at the start of s: its length in bytes, its width in
// columns, and whether it is a single code point.
func (ws *widths) cluster(s string) (n, w int, single bool) {
	r, size := rune(s[0]), 1
	if r >= utf8.RuneSelf {
		r, size = utf8.DecodeRuneInString(s)
	}
	if fast(r) {
		next := s[size:]
		if len(next) == 0 || next[0] < utf8.RuneSelf {
			return size, ws.rune(r, s[:size]), true
		}
		if nr, _ := utf8.DecodeRuneInString(next); fast(nr) {
			return size, ws.rune(r, s[:size]), true
		}
	}
	c, w := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
	if len(c) == 0 {
		return 1, 0, true
	}
	return len(c), w, utf8.RuneCountInString(c) == 1
}

// rune is the width of r (its text str), a fast rune, counted as Lip Gloss counts it.
func (ws *widths) rune(r rune, str string) int {
	if v := ws.t[r]; v != 0 {
		return int(v) - 1
	}
	w := ansi.StringWidth(str)
	ws.t[r] = uint8(w + 1)
	return w
}
