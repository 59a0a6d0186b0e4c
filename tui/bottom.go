package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/widgets"
)

// bottom is the event log, or the details of the selected item when details are open. With
// withTitle, its first line is the log's title (when the rule above cannot carry it).
func (m *Model) bottom(w, h int, withTitle bool) []string {
	if m.detail {
		return lines(m.detailView(w, h), w, h)
	}
	var out []string
	if withTitle && h > 1 {
		out = append(out, fit(m.eventsTitle(), w))
		h--
	}
	evs := m.events()
	if len(evs) == 0 && m.filter != "" {
		return append(out, lines(m.styles.Muted.Render("no events match /"+widgets.Sanitize(m.filter)), w, h)...)
	}
	if off := m.eventsOff; off > 0 && off < len(evs) {
		evs = evs[:len(evs)-off]
	}
	if len(evs) > h {
		evs = evs[len(evs)-h:]
	}
	ls := make([]widgets.EventLine, len(evs))
	for i, e := range evs {
		ls[i] = eventLine(e)
	}
	return append(out, exact(m.styles.EventLog(ls, w, h, m.deps.Loc), w, h)...)
}

// eventsTitle is "▌EVENTS · scrolled · 14 newer · G or esc: live", or "EVENTS · live".
func (m *Model) eventsTitle() string {
	st := m.styles
	t := st.Title.Render(" EVENTS")
	if m.focus == paneEvents {
		t = st.Accent.Render("▌") + st.Title.Render("EVENTS")
	}
	if m.filter != "" {
		t += st.Muted.Render(" · /" + widgets.Sanitize(m.filter))
	}
	if m.eventsOff > 0 {
		return t + st.Warn.Render(fmt.Sprintf(" · scrolled · %d newer", m.eventsOff)) + st.Muted.Render(" · G or esc: live ")
	}
	return t + st.Muted.Render(" · live, newest first ")
}

// holdEvents keeps a scrolled event log on the same events when new ones arrive.
func (m *Model) holdEvents() {
	n := len(m.events())
	if m.eventsOff > 0 && n > m.eventsN {
		m.eventsOff = min(m.eventsOff+n-m.eventsN, max(0, n-1))
	}
	m.eventsN = n
}

func eventLine(e board.Event) widgets.EventLine {
	l := widgets.EventLine{Time: e.Time, Level: widgets.Level(e.Status), Text: e.Text}
	if e.Kind == "checkpoint" {
		switch {
		case strings.Contains(e.Text, " started"):
			l.Glyph = "▶"
		case strings.Contains(e.Text, " done"):
			l.Glyph = "✓"
		}
	}
	if e.Source != "" && e.Kind != "checkpoint" && !strings.HasPrefix(e.Text, e.Source) {
		l.Text = e.Source + ": " + e.Text
	}
	return l
}

// detailView shows everything known about the selected checkpoint or source.
func (m *Model) detailView(w, h int) string {
	if m.focus == paneCharts {
		rows := m.chartRows()
		if m.chartSel < len(rows) && rows[m.chartSel].section == "" {
			return m.sourceDetail(m.snap.Sources[rows[m.chartSel].source], w, h)
		}
		return m.styles.Muted.Render(" select a source with j/k to see its details")
	}
	cp, ok := m.selectedCheckpoint()
	if !ok {
		return ""
	}
	return m.styles.CheckpointDetail(cp, m.sheet.PastNoReturn, w, h, m.deps.Loc)
}

// sourceDetail lists a source's state and facts, in as many columns as fit.
func (m *Model) sourceDetail(s board.SourceState, w, h int) string {
	st := m.styles
	head := st.Title.Render(" "+widgets.Sanitize(s.Name)) + st.Muted.Render(" · "+s.Kind+" · ") +
		st.Level(widgets.Level(s.Effective())).Render(s.Effective().String())
	if !s.LastSuccess.IsZero() {
		head += st.Muted.Render(" · last answer " + s.LastSuccess.In(m.deps.Loc).Format("15:04:05"))
	}
	if s.Stale {
		head += st.Stale.Render(" · stale")
	}
	items := []string{}
	if s.Error != "" {
		items = append(items, "error: "+s.Error)
	}
	if ba := m.beforeAfter(s); ba != "" {
		items = append(items, ba)
	}
	// Known facts first, in the zoom's order and words; empty ones ("error: –") last.
	var empty []string
	for _, k := range factKeys(s.Facts) {
		if v := factValue(k, s.Facts[k]); v != "–" {
			items = append(items, k+": "+v)
		} else {
			empty = append(empty, k+": –")
		}
	}
	items = append(items, empty...)
	out := []string{head}
	colW := 40
	cols := max(1, (w-1)/colW)
	// Column by column, as many rows as the items need (every item shown when they fit),
	// the last line saying how many did not (after its cells, or in its last cell).
	rowsN := min(max(1, h-1), (len(items)+cols-1)/cols)
	more := ""
	if n := rowsN * cols; len(items) > n {
		more = fmt.Sprintf("+%d more · z zooms", len(items)-n)
		if 1+cols*colW+len(more) > w {
			items, more = append(items[:n-1], fmt.Sprintf("+%d more · z zooms", len(items)-n+1)), ""
		}
	}
	for r := 0; r < rowsN; r++ {
		var b strings.Builder
		b.WriteString(" ")
		for c := 0; c < cols; c++ {
			i := r + c*rowsN
			if i < len(items) {
				b.WriteString(fit(widgets.Sanitize(items[i]), colW-1) + " ")
			}
		}
		if r == rowsN-1 && more != "" {
			b.WriteString(m.styles.Muted.Render(more))
		}
		out = append(out, b.String())
	}
	return strings.Join(out, "\n")
}

// footer shows the focused pane's keys (a viewer's mutating keys marked disabled), or a
// message, and who is watching.
func (m *Model) footer(w int) string {
	st := m.styles
	right := ""
	if m.deps.Watchers != nil {
		names := m.deps.Watchers()
		right = fmt.Sprintf("watching: %d", len(names))
		if len(names) > 0 {
			shown := names
			if len(shown) > 2 {
				shown = shown[:2]
			}
			right += " (" + widgets.Sanitize(strings.Join(shown, ", "))
			if len(names) > 2 {
				right += fmt.Sprintf(", +%d", len(names)-2)
			}
			right += ")"
		}
	}
	switch {
	case m.deps.Replay != nil || m.deps.Role == Viewer:
		right = m.readOnlyTag() + right
	case m.deps.ReadOnly:
		right = "read-only  " + right
	}
	right = st.Muted.Render(right + " ")
	room := w - ansi.StringWidth(right)
	var left string
	if m.flash.text != "" && m.now.Before(m.flash.until) {
		left = " " + st.Level(m.flash.level).Render(widgets.Sanitize(m.flash.text))
	} else {
		// Drop keys from the middle until the rest fits; help and quit always stay.
		bs := m.keys.short(m.focus)
		if m.filtering {
			bs = m.keys.typing()
		}
		left = m.keysLine(bs)
		for len(bs) > 3 && ansi.StringWidth(left) > room {
			bs = append(bs[:len(bs)-3], bs[len(bs)-2:]...)
			left = m.keysLine(bs)
		}
	}
	return fit(fit(left, max(room, 0))+right, w)
}

// keysLine renders bindings as "tab focus  j/↓ down  …"; a viewer's mutating keys are struck
// and marked so they read as present but disabled. The result is kept per pane, count and
// role until the styles change.
func (m *Model) keysLine(bs []key.Binding) string {
	m.dashes(0) // resets the caches when the styles changed
	ck := fmt.Sprint(m.focus, len(bs), m.readOnly(), m.filtering)
	if s, ok := m.keysCache[ck]; ok {
		return s
	}
	if m.keysCache == nil || len(m.keysCache) > 64 {
		m.keysCache = map[string]string{}
	}
	st := m.styles
	var b strings.Builder
	for _, k := range bs {
		h := k.Help()
		b.WriteString(" ")
		if m.readOnly() && m.keys.mutating(k) {
			b.WriteString(st.Muted.Strikethrough(true).Render(h.Key + " " + h.Desc))
		} else {
			b.WriteString(st.Accent.Render(h.Key) + " " + st.Muted.Render(h.Desc))
		}
		b.WriteString(" ")
	}
	m.keysCache[ck] = b.String()
	return m.keysCache[ck]
}

// overlay draws box over the middle of the screen lines.
func (m *Model) overlay(screen []string, box string) []string {
	bl := strings.Split(box, "\n")
	bw := lipgloss.Width(box)
	y := max(0, (len(screen)-len(bl))/2)
	x := max(0, (m.width-bw)/2)
	for i, ln := range bl {
		if y+i >= len(screen) {
			break
		}
		bg := screen[y+i]
		screen[y+i] = ansi.Truncate(bg, x, "") + ln + ansi.TruncateLeft(bg, x+bw, "")
	}
	return screen
}

func (m *Model) boxStyle() lipgloss.Style {
	return lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).
		BorderForeground(m.styles.Theme.Accent).Padding(0, 1).MaxWidth(max(m.width, 1))
}

// modalBox draws the open dialog.
func (m *Model) modalBox() string {
	d, st := m.modal, m.styles
	w := min(64, max(m.width-4, 10))
	parts := []string{st.Title.Render(widgets.Sanitize(d.title))}
	if d.body != "" {
		parts = append(parts, lipgloss.NewStyle().Width(w-4).Render(widgets.Sanitize(d.body)))
	}
	parts = append(parts, "", st.Text.Render(d.prompt()))
	if d.kind == reasonPrompt || d.kind == overridePrompt {
		d.input.SetWidth(w - 6)
		parts = append(parts, d.input.View())
		if d.err != "" {
			parts = append(parts, st.Crit.Render(d.err))
		}
		parts = append(parts, st.Muted.Render(d.keysLine()))
	}
	return m.boxStyle().Width(w).Render(strings.Join(parts, "\n"))
}

// helpBox lists every key; a viewer's mutating keys say why they are disabled. When one
// column is taller than the screen, the groups go in two columns.
func (m *Model) helpBox() string {
	st := m.styles
	titles := []string{"move", "charts and filter", "runsheet", "general"}
	var groups [][]string
	for i, group := range m.keys.full() {
		parts := []string{st.Title.Render(titles[i])}
		for _, k := range group {
			h := k.Help()
			line := st.Accent.Render(fmt.Sprintf("%-6s", h.Key)) + " " + h.Desc
			if m.readOnly() && m.keys.mutating(k) {
				line = st.Muted.Render(fmt.Sprintf("%-6s %s — disabled: read-only", h.Key, h.Desc))
			}
			parts = append(parts, line)
		}
		groups = append(groups, append(parts, ""))
	}
	legend := []string{st.Muted.Render("gates: ● held  ◐ holding"), st.Muted.Render("       ✗ failing  ○ unknown"),
		st.Muted.Render("any key closes this help")}
	var one []string
	for _, g := range groups {
		one = append(one, g...)
	}
	if len(one)+len(legend)+2 <= m.height || len(groups) < 4 {
		return m.boxStyle().Render(strings.Join(append(one, legend...), "\n"))
	}
	left := strings.Join(append(groups[0], groups[1]...), "\n")
	right := strings.Join(append(append(groups[2], groups[3]...), legend...), "\n")
	return m.boxStyle().Render(lipgloss.JoinHorizontal(lipgloss.Top, left, "   ", right))
}

// beforeAfter is a metric's median and p95 over the window before the cutover and since it.
func (m *Model) beforeAfter(s board.SourceState) string {
	c := m.sheet.CutoverAt
	if c.IsZero() || s.Group != "metric" || len(s.Series) == 0 {
		return ""
	}
	v := m.snap.Series(s.Series[0].Key)
	if v == nil {
		return ""
	}
	bm, bp, nb := v.Quantiles(c.Add(-m.deps.Window), c)
	am, ap, na := v.Quantiles(c, m.now.Add(time.Second))
	if nb == 0 || na == 0 {
		return ""
	}
	f := func(x float64) string { return widgets.FormatValue(x, s.Unit) }
	return fmt.Sprintf("before cutover: median %s p95 %s · after: median %s p95 %s", f(bm), f(bp), f(am), f(ap))
}

// modalLine is the open dialog in one line, for windows too small for the box.
func (m *Model) modalLine() string {
	d, st := m.modal, m.styles
	line := st.Crit.Render(widgets.Sanitize(d.title)) + " " + st.Text.Render(d.prompt())
	if d.kind == reasonPrompt || d.kind == overridePrompt {
		line += " " + d.input.View() + " " + st.Muted.Render(d.keysLine())
	}
	return line
}
