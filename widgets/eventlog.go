package widgets

import "time"

// EventLine is one line of the event log.
type EventLine struct {
	Time  time.Time
	Level Level
	// Glyph, when set, replaces the level's glyph (▶ for a checkpoint started, say). Its first
	// cell is used.
	Glyph string
	Text  string // raw; sanitized when drawn
}

// EventLog renders the newest events first (at the top), in exactly width cells and (when
// height > 0) exactly height lines: time as 15:04:05 in loc (nil means local time), the glyph
// in the level's colour, then the text (crit lines in crit). events are oldest first, as the
// board keeps them; only the newest height of them are read.
func (st *Styles) EventLog(events []EventLine, width, height int, loc *time.Location) string {
	if width <= 0 {
		return ""
	}
	if loc == nil {
		loc = time.Local
	}
	n := len(events)
	if height > 0 {
		n = min(n, height)
	}
	rows := make([]string, 0, max(n, 1))
	for i := len(events) - 1; i >= len(events)-n; i-- {
		rows = append(rows, st.eventRow(events[i], width, loc))
	}
	if len(events) == 0 && height != 0 {
		ln := newLine(st, width, false)
		ln.cell(pMuted, "no events yet", width)
		rows = append(rows, ln.finish(width))
	}
	return frame(rows, width, height)
}

func (st *Styles) eventRow(e EventLine, width int, loc *time.Location) string {
	ln := newLine(st, width, false)
	ln.cell(pMuted, e.Time.In(loc).Format("15:04:05"), min(8, width))
	ln.cell(pPlain, "  ", min(2, width-ln.w))
	glyph := Glyph(e.Level)
	if g := clean(e.Glyph); g != "" {
		glyph = truncate(g, 1)
	}
	p := levelPaint(e.Level)
	ln.cell(p, glyph, min(1, width-ln.w))
	ln.cell(pPlain, "  ", min(2, width-ln.w))
	tp := pText
	if e.Level == LevelCrit {
		tp = pCrit
	}
	ln.cell(tp, clean(e.Text), width-ln.w)
	return ln.finish(width)
}
