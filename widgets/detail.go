package widgets

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/warroom-dev/warroom/runsheet"
)

// maxBlockLines bounds how many wrapped lines one multi-line field (command, rollback) takes
// in the detail view.
const maxBlockLines = 8

// RollbackLine renders, in exactly width cells, what undoing the running checkpoint means:
// "rollback now: <its rollback>", a warning when it has none written, "nothing running" when
// no checkpoint runs, and the rollback struck through after "⚑ past the point of no return"
// once that point is passed.
func (st *Styles) RollbackLine(items []runsheet.Checkpoint, pastNoReturn bool, width int) string {
	if width <= 0 {
		return ""
	}
	var run *runsheet.Checkpoint
	for i := range items {
		if items[i].State == runsheet.Running {
			run = &items[i]
			break
		}
	}
	ln := newLine(st, width, false)
	put := func(p paintID, s string) {
		s = truncate(s, width-ln.w)
		ln.raw(p, s, textWidth(s))
	}
	put(pMuted, "rollback now: ")
	switch {
	case pastNoReturn:
		put(pWarn, "⚑ past the point of no return")
		if run != nil && run.Rollback != "" {
			put(pMuted, " · ")
			put(pStrike, clean(run.Rollback))
		}
	case run == nil:
		put(pMuted, "nothing running")
	case strings.TrimSpace(run.Rollback) == "":
		put(pWarn, "none written for "+clean(run.ID))
	default:
		put(pText, clean(run.Rollback))
	}
	return ln.finish(width)
}

// CheckpointDetail renders one checkpoint in full, in exactly width cells and (when
// height > 0) exactly height lines: title and markers, owner, planned and actual time, who
// started or ended it and when (as 15:04:05 in loc; nil means local time), the reason of a
// failed or skipped one, the gate expression with its light and failing part, the command and
// the rollback (struck through when pastNoReturn). Long fields wrap.
func (st *Styles) CheckpointDetail(c runsheet.Checkpoint, pastNoReturn bool, width, height int, loc *time.Location) string {
	if width <= 0 {
		return ""
	}
	if loc == nil {
		loc = time.Local
	}
	d := detail{st: st, width: width}
	glyph, gp, tp := stateLook(c)
	ln := newLine(st, width, false)
	ln.cell(gp, glyph, 1)
	ln.space(1)
	rest := width - 2
	if id := clean(c.ID); id != "" {
		id = truncate(id, rest)
		ln.raw(pText, id, textWidth(id))
		rest -= textWidth(id)
		if rest >= 3 {
			ln.raw(pMuted, " · ", 3)
			rest -= 3
		}
	}
	st.cpTitle(ln, c, tp, rest)
	d.rows = append(d.rows, ln.finish(width))

	actual, ap := actualLook(c, time.Time{})
	d.pairs(field{"owner", clean(c.Owner), pText}, field{"planned", formatDur(c.Planned), pText},
		field{"actual", actual, ap})
	d.pairs(field{"state", string(c.State), tp}, field{"started", clock(c.StartedAt, loc), pText},
		field{"ended", clock(c.EndedAt, loc), pText}, field{"by", clean(c.By), pText})
	if c.Note != "" {
		d.block("reason", c.Note, pText)
	}
	if c.Gate.Expr != "" {
		d.gate(c.Gate)
	}
	if c.Command != "" {
		d.block("command", c.Command, pText)
	}
	switch {
	case c.Rollback != "" && pastNoReturn:
		d.block("rollback", c.Rollback, pStrike)
		d.block("", "⚑ past the point of no return: this rollback no longer applies", pWarn)
	case c.Rollback != "":
		d.block("rollback", c.Rollback, pText)
	default:
		d.block("rollback", "none written", pMuted)
	}
	rows := d.rows
	if height > 0 && len(rows) > height {
		rows = rows[:height]
	}
	return frame(rows, width, height)
}

// clock renders a time as 15:04:05 in loc, or nothing when zero.
func clock(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("15:04:05")
}

// detail accumulates the rows of the detail view.
type detail struct {
	st    *Styles
	width int
	rows  []string
}

// labelW is the width of the detail view's field names.
const labelW = 9

type field struct {
	name, value string
	p           paintID
}

// pairs writes "name value" fields on one row, leaving out empty ones; a field that does
// not fit whole on the row starts the next one (never "by" without its name).
func (d *detail) pairs(fs ...field) {
	ln := newLine(d.st, d.width, false)
	for _, f := range fs {
		if f.value == "" {
			continue
		}
		if ln.w > 0 && ln.w+3+textWidth(f.name)+1+textWidth(f.value) > d.width {
			d.rows = append(d.rows, ln.finish(d.width))
			ln = newLine(d.st, d.width, false)
		}
		if ln.w > 0 {
			ln.cell(pPlain, "   ", min(3, d.width-ln.w))
		}
		name := truncate(f.name+" ", d.width-ln.w)
		ln.raw(pMuted, name, textWidth(name))
		v := truncate(f.value, d.width-ln.w)
		ln.raw(f.p, v, textWidth(v))
	}
	if ln.w > 0 {
		d.rows = append(d.rows, ln.finish(d.width))
	}
}

// block writes a labelled, wrapped multi-line field.
func (d *detail) block(name, text string, p paintID) {
	if len(text) > maxText {
		text = text[:maxText]
	}
	var lines []string
	valueW := d.width - labelW
	if valueW < 8 {
		valueW, name = d.width, "" // too narrow for a label column
	}
	for _, raw := range strings.Split(text, "\n") {
		wrapped := ansi.Wrap(Sanitize(strings.TrimRight(raw, "\r")), valueW, "")
		lines = append(lines, strings.Split(wrapped, "\n")...)
	}
	if len(lines) > maxBlockLines {
		more := len(lines) - maxBlockLines + 1
		lines = append(lines[:maxBlockLines-1], fmt.Sprintf("… %d more lines", more))
	}
	for i, s := range lines {
		ln := newLine(d.st, d.width, false)
		if valueW < d.width {
			label := ""
			if i == 0 {
				label = name
			}
			ln.cell(pMuted, label, labelW)
		}
		ln.cell(p, s, valueW)
		d.rows = append(d.rows, ln.finish(d.width))
	}
}

// gate writes the gate's expression, its light and, when it does not hold, why.
func (d *detail) gate(g runsheet.Gate) {
	glyph, p, text := gateLook(g, d.st.NoColor)
	light := strings.TrimSpace(glyph + " " + string(g.Light) + " " + text)
	if g.Light == runsheet.NoGate {
		light = "not evaluated yet"
	}
	d.block("gate", g.Expr, pText)
	d.block("", light, p)
	if g.Failing != "" {
		d.block("", "failing: "+g.Failing, p)
	}
}
