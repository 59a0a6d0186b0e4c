package widgets

import (
	"fmt"
	"time"

	"github.com/warroom-dev/warroom/runsheet"
)

// cpCols is the checkpoint list's column widths at one width; 0 leaves a column out.
type cpCols struct {
	id, title, owner, plan, actual, gate int
}

const (
	planW      = 5 // 1h05m
	actualW    = 6 // actual
	gateLongW  = 8 // ◐ 12/30s
	titleMinW  = 12
	idMaxW     = 14
	ownerMaxW  = 10
	stateGlyph = 1
)

// cpLayout fits the columns into width: owner goes first, then plan, then the gate's
// countdown, then the id, then actual, before the title is cut below titleMinW.
func cpLayout(items []runsheet.Checkpoint, width int) cpCols {
	idW, ownW, titleNeed := 2, 5, textWidth("checkpoint")
	for _, c := range items {
		idW = max(idW, textWidth(clean(c.ID)))
		ownW = max(ownW, textWidth(clean(c.Owner)))
		titleNeed = max(titleNeed, textWidth(clean(c.Title))+markersWidth(c, true))
	}
	full := cpCols{id: min(idW, idMaxW), owner: min(ownW, ownerMaxW), plan: planW, actual: actualW, gate: gateLongW}
	steps := []func(*cpCols){
		func(c *cpCols) {},
		func(c *cpCols) { c.owner = 0 },
		func(c *cpCols) { c.plan = 0 },
		func(c *cpCols) { c.gate = 1 },
		func(c *cpCols) { c.id = 0 },
		func(c *cpCols) { c.actual = 0 },
		func(c *cpCols) { c.gate = 0 },
	}
	cols := full
	for _, step := range steps {
		step(&cols)
		rest := width - cols.fixed()
		if rest >= min(titleMinW, titleNeed) {
			cols.title = min(rest, titleNeed)
			return cols
		}
	}
	cols.title = max(0, width-cols.fixed())
	return cols
}

// fixed is the width of everything but the title, separators included.
func (c cpCols) fixed() int {
	w := stateGlyph + 1
	for _, n := range []int{c.id} {
		if n > 0 {
			w += n + 1
		}
	}
	for _, n := range []int{c.owner, c.plan, c.actual, c.gate} {
		if n > 0 {
			w += 1 + n
		}
	}
	return w
}

// CheckpointList renders the runsheet as a header line and one row per checkpoint, in
// exactly width cells and (when height > 0) exactly height lines, scrolled so that the
// selected row (-1 for none) is visible, centred when the list is longer than the pane. Each
// row: state glyph (○ pending, ▶ running, ✓ done, ✗ failed, ⤼ skipped), id, title with
// markers (◆ cutover, ⚑ point of no return, ! done over a red gate), owner, planned and
// actual time (overrun in warn, or crit past 1.5× the plan) and the gate light (● green,
// ◐ amber with held/hold, ● red, ○ grey). A running checkpoint's actual time is counted to
// now when now is not zero. Narrow widths drop owner, plan, the gate countdown, the id and
// actual, in that order, before they cut the title.
func (st *Styles) CheckpointList(items []runsheet.Checkpoint, selected, width, height int, now time.Time) string {
	if width <= 0 {
		return ""
	}
	cols := cpLayout(items, width)
	visible := len(items)
	if height > 0 {
		visible = min(visible, height-1)
	}
	off := 0
	if visible > 0 && len(items) > visible && selected >= 0 {
		off = clampInt(selected-visible/2, 0, len(items)-visible)
	}
	rows := make([]string, 0, visible+1)
	rows = append(rows, st.cpHeader(cols, off, visible, len(items), width))
	if height == 1 {
		return rows[0]
	}
	for i := off; i < off+visible; i++ {
		rows = append(rows, st.cpRow(items[i], cols, i == selected, width, now))
	}
	return frame(rows, width, height)
}

func (st *Styles) cpHeader(c cpCols, off, visible, total, width int) string {
	ln := newLine(st, width, false)
	ln.space(stateGlyph + 1)
	if c.id > 0 {
		ln.cell(pMuted, "id", c.id)
		ln.space(1)
	}
	title := "checkpoint"
	if visible < total {
		title = fmt.Sprintf("checkpoint %d–%d/%d", off+1, off+visible, total)
	}
	ln.cell(pMuted, title, c.title)
	st.cpColumn(ln, pMuted, "owner", c.owner, false)
	st.cpColumn(ln, pMuted, "plan", c.plan, true)
	st.cpColumn(ln, pMuted, "actual", c.actual, true)
	if c.gate > 1 {
		st.cpColumn(ln, pMuted, "gate", c.gate, false)
	} else {
		st.cpColumn(ln, pMuted, "", c.gate, false)
	}
	return ln.finish(width)
}

// cpColumn writes one optional column preceded by its separator.
func (st *Styles) cpColumn(ln *line, p paintID, s string, w int, right bool) {
	if w <= 0 {
		return
	}
	ln.space(1)
	ln.fit(p, s, w, right)
}

func (st *Styles) cpRow(c runsheet.Checkpoint, cols cpCols, sel bool, width int, now time.Time) string {
	ln := newLine(st, width, sel)
	glyph, gp, tp := stateLook(c)
	ln.cell(gp, glyph, stateGlyph)
	ln.space(1)
	if cols.id > 0 {
		ln.cell(pText, clean(c.ID), cols.id)
		ln.space(1)
	}
	st.cpTitle(ln, c, tp, cols.title)
	st.cpColumn(ln, pMuted, clean(c.Owner), cols.owner, false)
	st.cpColumn(ln, pMuted, formatDur(c.Planned), cols.plan, true)
	actual, ap := actualLook(c, now)
	st.cpColumn(ln, ap, actual, cols.actual, true)
	if cols.gate > 0 {
		ln.space(1)
		st.gate(ln, c.Gate, cols.gate)
	}
	return ln.finish(width)
}

// stateLook is a checkpoint's state glyph, its paint and the paint of its title.
func stateLook(c runsheet.Checkpoint) (string, paintID, paintID) {
	switch c.State {
	case runsheet.Running:
		return "▶", pTitle, pTitle
	case runsheet.Done:
		if c.Override {
			return "✓", pWarn, pMuted
		}
		return "✓", pOK, pMuted
	case runsheet.Failed:
		return "✗", pCritBold, pCrit
	case runsheet.Skipped:
		return "⤼", pMuted, pMuted
	}
	if c.CanStart {
		return "○", pAccent, pText
	}
	return "○", pMuted, pText
}

// actualLook is the actual time of a checkpoint and its paint: warn when over plan, crit
// past 1.5× the plan.
func actualLook(c runsheet.Checkpoint, now time.Time) (string, paintID) {
	d := c.Actual
	if c.State == runsheet.Running && !now.IsZero() && !c.StartedAt.IsZero() {
		d = max(d, now.Sub(c.StartedAt))
	}
	if c.State == runsheet.Pending {
		return "", pText
	}
	over := c.Overrun || (c.Planned > 0 && d > c.Planned)
	switch {
	case over && (c.Planned == 0 || d*2 >= c.Planned*3):
		return formatDur(d), pCritBold
	case over:
		return formatDur(d), pWarn
	}
	return formatDur(d), pText
}

// gate writes a gate light in w cells (1: the light alone).
func (st *Styles) gate(ln *line, g runsheet.Gate, w int) {
	glyph, p, text := gateLook(g, st.NoColor)
	ln.cell(p, glyph, 1)
	if w > 1 {
		ln.space(1)
		ln.cell(p, text, w-2)
	}
}

// gateLook is a gate light's glyph, paint and short text. Without colour a red light is ✗
// so that it differs from green.
func gateLook(g runsheet.Gate, noColor bool) (string, paintID, string) {
	switch g.Light {
	case runsheet.Green:
		return "●", pOK, ""
	case runsheet.Amber:
		return "◐", pWarn, g.Progress().Short()
	case runsheet.Red:
		return "✗", pCritBold, "" // a glyph of its own: readable without colour
	case runsheet.Grey:
		return "○", pMuted, ""
	}
	return "", pPlain, ""
}

// marker is one flag drawn after a checkpoint's title.
type marker struct {
	long, short string
	p           paintID
}

func markers(c runsheet.Checkpoint) []marker {
	var ms []marker
	if c.Cutover {
		ms = append(ms, marker{"◆ cutover", "◆", pAccent})
	}
	if c.PointOfNoReturn {
		ms = append(ms, marker{"⚑ no return", "⚑", pWarn})
	}
	if c.Override {
		ms = append(ms, marker{"! override", "!", pWarn})
	}
	return ms
}

// markersWidth is the cells the markers take after the title, with their spaces.
func markersWidth(c runsheet.Checkpoint, long bool) int {
	w := 0
	for _, m := range markers(c) {
		if long {
			w += 1 + textWidth(m.long)
		} else {
			w += 1 + textWidth(m.short)
		}
	}
	return w
}

// cpTitle writes the title and its markers in exactly w cells: long markers when they fit
// beside the whole title, short ones otherwise; the title is cut before a marker is.
func (st *Styles) cpTitle(ln *line, c runsheet.Checkpoint, p paintID, w int) {
	title := clean(c.Title)
	long := textWidth(title)+markersWidth(c, true) <= w
	mw := markersWidth(c, long)
	if mw > w-1 {
		ln.cell(p, title, w)
		return
	}
	t := truncate(title, w-mw)
	tw := textWidth(t)
	ln.raw(p, t, tw)
	for _, m := range markers(c) {
		s := m.short
		if long {
			s = m.long
		}
		ln.space(1)
		ln.raw(m.p, s, textWidth(s))
	}
	ln.space(w - tw - mw)
}
