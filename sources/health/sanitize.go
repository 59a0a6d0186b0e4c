package health

import (
	"strings"

	"github.com/warroom-dev/warroom/sanitize"
)

// maxCleanInput bounds how much of one remote string is read: results keep at most a few
// hundred runes, and a hostile server may send megabytes.
const maxCleanInput = 64 << 10

// clean makes remote text (a body snippet, a header value, a server's error string) safe to
// put in a Result: sanitize.Line (no escape sequences, control, bidi or invalid bytes), then
// runs of spaces collapse to one and at most max runes are kept (an ellipsis marks the cut).
// Renderers sanitize again; this keeps the JSON clean too.
func clean(s string, max int) string {
	if len(s) > maxCleanInput {
		s = s[:maxCleanInput]
	}
	return sanitize.Cut(strings.Join(strings.Fields(sanitize.Line(s)), " "), max)
}
