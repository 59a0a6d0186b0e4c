package widgets

import "strings"

// noteSep is how the sources join the parts of a detail ("4.0 s lag · heartbeat").
const noteSep = " · "

// cutNote fits a note into w cells saying the most useful thing first: the parts of a
// detail are in order of importance, so whole leading parts are kept and the rest dropped
// ("4.0 s lag …" rather than "4.0 s lag · h…"); parts are also split at ", " and at runs of
// spaces ("203.0.113.10  new side  TTL 60"). When even the first part does not fit, it is cut
// with "…" as any text is.
func cutNote(s string, w int) string {
	if w <= 0 || textWidth(s) <= w {
		return s
	}
	best := ""
	for _, end := range partEnds(s) {
		head, hw := s[:end], textWidth(s[:end])
		if hw > w {
			break
		}
		best = head // whole parts alone when the mark does not fit too
		if hw+2 <= w {
			best = head + " …"
		}
	}
	if best != "" {
		return best
	}
	return truncate(s, w)
}

// partEnds are the byte offsets where a part of s ends: before a " · ", a ", " or a run of
// two or more spaces, in order.
func partEnds(s string) []int {
	var ends []int
	for i := 1; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], noteSep), strings.HasPrefix(s[i:], ", "):
			ends = append(ends, i)
		case strings.HasPrefix(s[i:], "  ") && s[i-1] != ' ':
			ends = append(ends, i)
		}
	}
	return ends
}
