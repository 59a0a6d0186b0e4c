// Package sanitize makes text from outside safe to write to a terminal. Anything a remote
// server, a config file or a client chose — response bodies, error strings, metric and step
// names, titles, SSH user names — passes through it before it reaches a screen, a table or a
// JSON document someone may print: it removes escape sequences (CSI, OSC, DCS, SOS, PM, APC
// and short ESC sequences, in 7- and 8-bit form; parsed with charmbracelet/x/ansi), C0 and C1
// control characters, bidirectional overrides and isolates and other invisible format
// characters, and invalid UTF-8, and keeps printable Unicode.
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Line returns s as one line of printable text: escape sequences are removed whole, tabs,
// newlines and other line breaks become one space each (CR LF counts as one), every other
// control character, bidi control (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C),
// other format character (zero-width space, BOM, soft hyphen…; the zero-width joiner stays
// for emoji) and invalid byte is dropped. The result never starts with a rune that would join
// the cell drawn before it (a combining mark, variation selector or joiner) nor ends with one
// that would join the cell after it, so each piece of text can be measured on its own. Plain
// printable ASCII is returned as it is, without copying.
func Line(s string) string {
	if plainASCII(s) {
		return s
	}
	return trimJoiners(clean(s, false))
}

// Text is Line for text of several lines: line breaks (LF, CR LF, a lone CR, U+2028,
// U+2029, NEL) become "\n"; tabs and the other spacing controls become a space.
func Text(s string) string {
	if plainASCII(s) {
		return s
	}
	lines := strings.Split(clean(s, true), "\n")
	for i, l := range lines {
		lines[i] = trimJoiners(l)
	}
	return strings.Join(lines, "\n")
}

// Cut is Line cut to at most n runes, with an ellipsis after the cut (n < 1 means no cut).
func Cut(s string, n int) string {
	s = Line(s)
	if n < 1 || utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i < len(s) && count < n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return trimJoiners(s[:i]) + "…"
}

// plainASCII reports text that needs nothing done: printable ASCII only.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// clean does the work of Line (multi false) and Text (multi true), except the trimming.
func clean(s string, multi bool) string {
	var b strings.Builder
	b.Grow(len(s))
	brk := " "
	if multi {
		brk = "\n"
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == ansi.ESC:
			i += skipSequence(s[i:], ansi.NormalState)
		case r == utf8.RuneError && n <= 1:
			// An invalid byte; the 8-bit forms of the introducers start sequences here too.
			i += skipC1(s[i:], rune(c), 1)
		case r >= 0x80 && r <= 0x9f:
			if r == 0x85 { // NEL, a line break
				b.WriteString(brk)
			}
			i += skipC1(s[i:], r, n)
		case r == '\r' && strings.HasPrefix(s[i+1:], "\n"):
			b.WriteString(brk)
			i += 2
		case r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
			b.WriteString(brk)
			i += n
		case r == '\t' || r == '\v' || r == '\f':
			b.WriteByte(' ')
			i += n
		case r < 0x20 || r == 0x7f || dropFormat(r):
			i += n
		default:
			b.WriteString(s[i : i+n])
			i += n
		}
	}
	return b.String()
}

// skipSequence returns the length of the escape sequence at the start of s (an ESC, or
// after a C1 introducer in the given parser state): up to its final byte or terminator, to
// the end of s when it is not terminated, and at least one byte.
func skipSequence(s string, state ansi.State) int {
	_, _, n, _ := ansi.DecodeSequence(s, state, nil)
	return max(n, 1)
}

// skipC1 returns how many bytes the C1 control r (n bytes long at the start of s) and the
// sequence it introduces take: CSI has parameters and a final byte; DCS, SOS, OSC, PM and APC
// are strings up to a terminator (BEL, ST in either form, or CAN/SUB); the rest stand alone.
func skipC1(s string, r rune, n int) int {
	switch r {
	case 0x9b: // CSI
		return n + skipCSIBody(s[n:])
	case 0x90, 0x98, 0x9d, 0x9e, 0x9f: // DCS, SOS, OSC, PM, APC
		return n + skipString(s[n:], r == 0x9d)
	}
	return n
}

// skipCSIBody skips a control sequence's parameters, intermediates and final byte, with the
// same parser that reads 7-bit sequences.
func skipCSIBody(s string) int {
	if s == "" {
		return 0
	}
	_, _, n, _ := ansi.DecodeSequence(s, ansi.PrefixState, nil)
	return n
}

// skipString skips a control string's body up to and including its terminator: ST (ESC \
// or U+009C), BEL for an OSC (as terminals do; ansi's parser has the same rules), or CAN and
// SUB, which cancel it; another ESC ends it before that ESC, whose own sequence is then
// skipped. Unterminated, it runs to the end.
func skipString(s string, osc bool) int {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			r = rune(s[i]) // an 8-bit ST is a single byte
		}
		switch r {
		case ansi.BEL:
			if osc {
				return i + n
			}
		case ansi.CAN, ansi.SUB, 0x9c:
			return i + n
		case ansi.ESC:
			if strings.HasPrefix(s[i:], "\x1b\\") {
				return i + 2
			}
			return i
		}
		i += n
	}
	return len(s)
}

// dropFormat reports format characters (category Cf: bidi controls, zero-width spaces, the
// BOM, soft hyphens, tags…) — invisible, and some reorder the text around them — except the
// zero-width joiner that emoji sequences need.
func dropFormat(r rune) bool {
	return r != 0x200d && (unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Bidi_Control, r))
}

// trimJoiners drops leading runes that extend the grapheme before them and trailing runes
// that join the one after them.
func trimJoiners(s string) string {
	for s != "" {
		r, n := utf8.DecodeRuneInString(s)
		if !extendsPrevious(r) {
			break
		}
		s = s[n:]
	}
	for s != "" {
		r, n := utf8.DecodeLastRuneInString(s)
		if r != 0x200d && !prepends(r) {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}

// extendsPrevious reports runes that grapheme segmentation attaches to the rune before them
// (Extend, SpacingMark and ZWJ in UAX #29).
func extendsPrevious(r rune) bool {
	return r == 0x200d || unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) ||
		(r >= 0x1f3fb && r <= 0x1f3ff) || r == 0xff9e || r == 0xff9f
}

// prepends reports the printable Prepend runes of UAX #29, which attach to the rune after
// them (the other Prepend runes are format characters, already dropped).
func prepends(r rune) bool {
	switch {
	case r == 0x0d4e, r == 0x111c2, r == 0x111c3, r == 0x1193f, r == 0x11941, r == 0x11a3a,
		r >= 0x11a84 && r <= 0x11a89, r == 0x11d46, r == 0x11f02:
		return true
	}
	return false
}
