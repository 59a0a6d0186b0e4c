package sanitize

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Escape shows s on one line with everything Line would drop written out instead of removed:
// ESC as \x1b (so "\x1b[2J" reads as text), other controls, bidi and format characters as
// \u202e and the like, invalid bytes as \xff. For messages that must say what is in a value
// (a config error pointing at a stray character); the result is as safe as Line's.
func Escape(s string) string {
	if plainASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i]), 16))
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x2028 || r == 0x2029 || dropFormat(r):
			b.WriteString(strings.Trim(strconv.QuoteRuneToASCII(r), "'"))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
