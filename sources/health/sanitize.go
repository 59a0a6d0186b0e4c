package health

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// clean makes remote text (a body snippet, a header value, a server's error string) safe to
// put in a Result: escape sequences (CSI, OSC, DCS and the like, 7- and 8-bit) are removed
// whole, other control and bidi characters are dropped (tabs and newlines become spaces),
// invalid UTF-8 becomes U+FFFD, runs of spaces collapse to one, and at most max runes are
// kept (an ellipsis marks the cut). Renderers sanitize again; this keeps the JSON clean too.
func clean(s string, max int) string {
	var b strings.Builder
	b.Grow(min(len(s), max*4+4))
	runes, space := 0, false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x1b:
			i = skipEscape(s, i+size)
			continue
		case r == 0x9b: // 8-bit CSI
			i = skipCSI(s, i+size)
			continue
		case r == 0x90 || r == 0x9d || r == 0x98 || r == 0x9e || r == 0x9f: // 8-bit DCS, OSC, SOS, PM, APC
			i = skipString(s, i+size)
			continue
		}
		i += size
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v' || unicode.IsSpace(r):
			space = runes > 0
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u200b' || r == '\ufeff':
			continue
		}
		if runes >= max {
			b.WriteRune('…')
			return b.String()
		}
		if space {
			b.WriteByte(' ')
			runes++
			space = false
			if runes >= max {
				b.WriteRune('…')
				return b.String()
			}
		}
		b.WriteRune(r) // an invalid byte decodes to U+FFFD, which WriteRune writes as such
		runes++
	}
	return b.String()
}

// skipEscape returns the index after the escape sequence whose ESC ends just before i.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	}
	// Two-character escapes (ESC c, ESC 7, ESC ( B …): drop intermediates and the final byte.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// skipCSI skips a control sequence's parameter and intermediate bytes and its final byte.
// A malformed sequence ends before the offending byte, which is then handled as text.
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c >= 0x40 && c <= 0x7e {
			return i + 1
		}
		if c < 0x20 || c > 0x7e {
			return i
		}
		i++
	}
	return i
}

// skipString skips an OSC/DCS-style string up to its terminator: BEL, ESC \ or 8-bit ST.
func skipString(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0x07 || r == 0x9c:
			return i + size
		case r == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i + 1
		}
		i += size
	}
	return i
}
