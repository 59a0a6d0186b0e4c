package widgets

import "github.com/warroom-dev/warroom/sanitize"

// maxText bounds how much of one outside string a widget reads: a row shows at most a few
// hundred cells, and a hostile server may send megabytes.
const maxText = 4096

// Sanitize makes text from outside safe to draw on one line; it is sanitize.Line (escape
// sequences, control, bidi and other format characters and invalid UTF-8 removed, line
// breaks as spaces, no joiner at either end).
func Sanitize(s string) string { return sanitize.Line(s) }

// clean is Sanitize for a widget: it reads at most maxText bytes of s.
func clean(s string) string {
	if len(s) > maxText {
		s = s[:maxText]
	}
	return sanitize.Line(s)
}
