package widgets

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxText bounds how much of one outside string a widget reads: a row shows at most a few
// hundred cells, and a hostile server may send megabytes.
const maxText = 4096

// Sanitize makes text from outside safe to draw: it removes ANSI escape sequences (CSI, OSC,
// DCS, SOS, PM, APC and short ESC sequences, in 7- and 8-bit form), every other C0 and C1
// control character, Unicode format characters that reorder or hide text (bidi overrides,
// zero-width spaces; the zero-width joiner stays for emoji) and invalid UTF-8. Tabs, newlines
// and other line breaks become one space each (CR LF counts as one). Printable Unicode is kept,
// except that the result never starts with a rune that would join the cell drawn before it
// (a combining mark, variation selector or joiner) nor ends with one that would join the cell
// after it: a widget can measure each piece of text on its own.
func Sanitize(s string) string {
	if isPlainASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			i += n // invalid byte
		case r == 0x1b:
			i = skipEscape(s, i+1)
		case r >= 0x80 && r <= 0x9f:
			i = skipC1(s, i+n, r)
		case r == '\r' && strings.HasPrefix(s[i+1:], "\n"):
			b.WriteByte(' ')
			i += 2
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' ||
			r == 0x2028 || r == 0x2029:
			b.WriteByte(' ')
			i += n
		case r < 0x20 || r == 0x7f:
			i += n
		case dropFormat(r):
			i += n
		default:
			b.WriteString(s[i : i+n])
			i += n
		}
	}
	return trimJoiners(b.String())
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

// clean is Sanitize for a widget: it reads at most maxText bytes of s.
func clean(s string) string {
	if len(s) > maxText {
		s = s[:maxText]
	}
	return Sanitize(s)
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// dropFormat reports format characters (category Cf) that have no place in a terminal
// cell, except the zero-width joiner that emoji sequences need.
func dropFormat(r rune) bool {
	return r != 0x200d && unicode.Is(unicode.Cf, r)
}

// skipEscape returns the index after the escape sequence whose ESC was just before i.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	c := s[i]
	switch c {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	}
	// nF sequences: intermediates 0x20–0x2F then one final byte.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipC1 handles a C1 control decoded as rune r ending just before i: the 8-bit forms of
// CSI, OSC, DCS, SOS, PM and APC introduce sequences; the other C1 controls stand alone.
func skipC1(s string, i int, r rune) int {
	switch r {
	case 0x9b:
		return skipCSI(s, i)
	case 0x9d, 0x90, 0x98, 0x9e, 0x9f:
		return skipString(s, i)
	}
	return i
}

// skipCSI skips parameter (0x30–0x3F) and intermediate (0x20–0x2F) bytes and the final byte
// (0x40–0x7E). Any other byte ends the sequence there, unconsumed.
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipString skips a control string up to and including its terminator: BEL, ESC \ or the
// 8-bit ST (U+009C). An unterminated string runs to the end of s, which is dropped.
func skipString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i // a new sequence begins; the caller's loop skips it
		case s[i] == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c:
			return i + 2
		}
		i++
	}
	return i
}
