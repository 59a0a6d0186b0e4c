package screen

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// sift appends to dst what of p, written by another writer (Bubble Tea), may reach the
// terminal while a Screen draws the board: the sequences that set or reset the terminal's
// modes (keyboard, mouse, paste, focus, the cursor's visibility and shape), query it (its
// colours, its capabilities) and set the window's title. Text, control characters, cursor
// moves, erases, scrolling and styles — Bubble Tea's own one-cell frame — are left out, so
// that they neither spoil the board nor make it be drawn again. switched says p changed
// screens (the alternate screen), after which the board must be drawn whole.
func sift(dst, p []byte) (kept []byte, switched bool) {
	for i := 0; i < len(p); {
		if p[i] != ansi.ESC {
			i++ // text and control characters draw
			continue
		}
		n := escapeLen(p[i:])
		seq := p[i : i+n]
		i += n
		if keep, sw := passes(seq); keep {
			dst = append(dst, seq...)
			switched = switched || sw
		}
	}
	return dst, switched
}

// passes says whether seq, one whole escape sequence, may reach the terminal (see sift),
// and whether it switches screens.
func passes(seq []byte) (keep, switched bool) {
	if len(seq) < 2 {
		return false, false
	}
	switch seq[1] {
	case ']', 'P', '_', '^', 'X': // OSC (title, colour queries), DCS, APC, PM, SOS
		return true, false
	case '=', '>': // keypad modes
		return true, false
	case '[':
	default: // ESC 7/8 (cursor), ESC D/E/M (index), ESC c (reset): they draw
		return false, false
	}
	if len(seq) < 3 {
		return false, false
	}
	final := seq[len(seq)-1]
	private := seq[2] >= '<' && seq[2] <= '?'
	if !private {
		// Unprefixed CSI: only queries (device attributes and status, mode requests,
		// window operations) and the cursor's shape pass.
		return strings.IndexByte("cnpqt", final) >= 0, false
	}
	params := string(seq[3 : len(seq)-1])
	if seq[2] == '?' && (final == 'h' || final == 'l') {
		for _, f := range strings.Split(params, ";") {
			if f == "1049" || f == "1047" || f == "47" {
				switched = true
			}
		}
	}
	return true, switched
}
