package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// layout is where each part of the board goes at one window size, computed once per
// WindowSizeMsg. Panes render into exactly the cells they are given.
type layout struct {
	width, height int
	side          bool // charts and runsheet side by side (≥ 120 columns)
	chartsW       int
	sheetW        int
	chartsH       int // stacked: the charts' share of the body
	sheetH        int
	bodyH         int
	eventsH       int
	rules         bool // horizontal rules between parts (room permitting)
}

// SideBySideWidth is the narrowest terminal that shows charts and runsheet side by side.
const SideBySideWidth = 120

func computeLayout(w, h int) layout {
	l := layout{width: w, height: h, rules: h >= 30}
	switch {
	case h >= 45:
		l.eventsH = 6
	case h >= 36:
		l.eventsH = 5
	case h >= 28:
		l.eventsH = 4
	default:
		l.eventsH = 2
	}
	// header, footer, plus three rules when there is room for them
	chrome := 2
	if l.rules {
		chrome += 3
	}
	l.bodyH = max(0, h-chrome-l.eventsH)
	if w >= SideBySideWidth {
		l.side = true
		l.chartsW = w * 56 / 100
		l.sheetW = w - l.chartsW - 1
		l.chartsH, l.sheetH = l.bodyH, l.bodyH
		return l
	}
	l.chartsW, l.sheetW = w, w
	l.sheetH = l.bodyH / 2
	l.chartsH = l.bodyH - l.sheetH
	return l
}

// fit pads or cuts an ANSI string to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-sw)
}

// lines splits a pane's output into exactly h lines of exactly w cells.
func lines(s string, w, h int) []string {
	out := make([]string, 0, h)
	if s != "" {
		for _, ln := range strings.Split(s, "\n") {
			if len(out) == h {
				break
			}
			out = append(out, fit(ln, w))
		}
	}
	blank := strings.Repeat(" ", max(w, 0))
	for len(out) < h {
		out = append(out, blank)
	}
	return out
}

func joinLines(ls []string) string { return strings.Join(ls, "\n") }

// exact splits output that a widget already made exactly w cells wide into exactly h lines,
// without measuring it again.
func exact(s string, w, h int) []string {
	out := make([]string, 0, h)
	if s != "" {
		for _, ln := range strings.Split(s, "\n") {
			if len(out) == h {
				break
			}
			out = append(out, ln)
		}
	}
	blank := strings.Repeat(" ", max(w, 0))
	for len(out) < h {
		out = append(out, blank)
	}
	return out
}
