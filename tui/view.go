package tui

import (
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/widgets"
)

// View draws the whole board.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "warroom · " + widgets.Sanitize(m.deps.Title)
	return v
}

// render draws the board as a string of exactly height lines (or less before the first
// WindowSizeMsg).
func (m *Model) render() string {
	if m.width == 0 || m.height == 0 || m.quitting {
		return ""
	}
	l := m.lay
	out := make([]string, 0, l.height)
	out = append(out, m.header(l.width))
	if l.rules {
		out = append(out, m.rule(l.width, ""))
	}
	out = append(out, m.body(l)...)
	if l.rules {
		out = append(out, m.rule(l.width, m.eventsTitle()))
	}
	out = append(out, m.bottom(l.width, l.eventsH, !l.rules && (m.focus == paneEvents || m.eventsOff > 0))...)
	if l.rules {
		out = append(out, m.rule(l.width, ""))
	}
	out = append(out, m.footer(l.width))
	if len(out) > l.height {
		out = out[:l.height]
	}
	if m.help {
		out = m.overlay(out, m.helpBox())
	} else if m.modal != nil {
		box := m.modalBox()
		if strings.Count(box, "\n")+1 > len(out) || lipgloss.Width(box) > l.width {
			// Too small a window for the dialog: ask on the last line instead.
			out[len(out)-1] = fit(m.modalLine(), l.width)
		} else {
			out = m.overlay(out, box)
		}
	}
	return strings.Join(out, "\n")
}

// rule is a horizontal line across w cells, with a title at its start when mid is set.
func (m *Model) rule(w int, mid string) string {
	if mid == "" {
		return m.dashes(w)
	}
	mid = ansi.Truncate(mid, max(w-4, 0), "…")
	return m.dashes(1) + mid + " " + m.dashes(max(w-ansi.StringWidth(mid)-2, 0))
}

// dashes is n cells of the rule in the border's colour, drawn once per width and style.
func (m *Model) dashes(n int) string {
	if m.ruleStyles != m.styles {
		m.ruleStyles, m.ruleCache, m.keysCache = m.styles, map[int]string{}, nil
	}
	s, ok := m.ruleCache[n]
	if !ok {
		s = m.styles.Border.Render(strings.Repeat("─", n))
		m.ruleCache[n] = s
	}
	return s
}

// body is the charts and runsheet panes, side by side or stacked.
func (m *Model) body(l layout) []string {
	zoom := m.zoomed() >= 0
	if zoom && !l.side {
		return m.zoomPane(l.width, l.bodyH) // too narrow for the runsheet beside it
	}
	if l.side {
		var charts []string
		if zoom {
			charts = m.zoomPane(l.chartsW, l.bodyH)
		} else {
			charts = m.chartsPane(l.chartsW, l.bodyH)
		}
		sheet := m.sheetPane(l.sheetW, l.bodyH)
		sep := m.styles.Border.Render("│")
		out := make([]string, l.bodyH)
		for i := range out {
			out[i] = charts[i] + sep + sheet[i]
		}
		return out
	}
	return append(m.chartsPane(l.width, l.chartsH), m.sheetPane(l.width, l.sheetH)...)
}

// header answers: where are we in the window, will we finish in time, is anything on fire.
// The status counts always stay whole; as the width shrinks the clock goes first, then the
// timing loses its forecast and cutover parts, then the title is cut.
func (m *Model) header(w int) string {
	st := m.styles
	title := m.replayBanner() + st.Title.Render(" warroom") + st.Muted.Render(" · ") + st.Text.Render(widgets.Sanitize(m.deps.Title))
	now := m.now.In(m.deps.Loc)
	clock := now.Format("15:04:05") + " local · " + m.now.UTC().Format("15:04:05") + " UTC"
	if _, off := now.Zone(); off == 0 {
		clock = m.now.UTC().Format("15:04:05") + " UTC"
	}
	summary := m.summary()
	if m.filter != "" || m.filtering {
		f := "/" + widgets.Sanitize(m.filter)
		if m.filtering {
			f += "▏"
		}
		summary = st.Accent.Render("filter "+f) + "  " + summary
	}
	var parts []string
	for _, detail := range []int{2, 1, 0} {
		timing := m.timing(detail)
		parts = slices.DeleteFunc([]string{title, st.Text.Render(clock), timing, summary}, func(p string) bool { return p == "" })
		if widths(parts)+3*len(parts) <= w {
			break
		}
		parts = slices.Delete(parts, 1, 2) // the clock
		if widths(parts)+2*len(parts) <= w {
			break
		}
	}
	if room := w - widths(parts[1:]) - 2*len(parts); widths(parts[:1]) > room {
		parts[0] = fit(title, max(room, 8))
	}
	return spread(parts, w)
}

func widths(parts []string) int {
	n := 0
	for _, p := range parts {
		n += ansi.StringWidth(p)
	}
	return n
}

// spread lays parts out across w cells with even gaps.
func spread(parts []string, w int) string {
	if len(parts) == 1 {
		return fit(parts[0], w)
	}
	gap := (w - widths(parts)) / (len(parts) - 1)
	if gap < 1 {
		gap = 1
	}
	return fit(strings.Join(parts, strings.Repeat(" ", gap)), w)
}

// timing is "T+1:12 of 4:30 · forecast 3:58 (32m early) · cutover +0:12" at detail 2;
// detail 1 leaves out the cutover, 0 the forecast too. Once every checkpoint is done or
// skipped it is "done in 2:01 of 3:00 (59s early)": the elapsed time no longer moves, and a
// forecast of what is over is none.
func (m *Model) timing(detail int) string {
	v, st := m.sheet, m.styles
	if v.Started.IsZero() {
		if v.Window > 0 {
			return st.Muted.Render("not started · window " + widgets.Clock(v.Window))
		}
		return st.Muted.Render("not started")
	}
	elapsed := v.Elapsed
	s := "T+" + widgets.Clock(elapsed)
	if v.Finished {
		s = "done in " + widgets.Clock(elapsed) // the clock stopped: a frozen T+ reads as a hung board
	}
	if v.Window > 0 {
		s += " of " + widgets.Clock(v.Window)
	}
	out := st.Text.Render(s)
	if v.Finished && v.Window > 0 {
		if diff := elapsed - v.Window; diff > 0 {
			out += " " + st.Crit.Render("("+widgets.Short(diff)+" late)")
		} else {
			out += " " + st.OK.Render("("+widgets.Short(-diff)+" early)")
		}
	}
	if v.Forecast > 0 && detail >= 1 && !v.Finished {
		f := "forecast " + widgets.Clock(v.Forecast)
		style := st.Text
		if v.Window > 0 {
			diff := v.Forecast - v.Window
			switch {
			case diff > 0:
				f += " (" + widgets.Short(diff) + " late)"
				style = st.Crit
			default:
				f += " (" + widgets.Short(-diff) + " early)"
				style = st.OK
			}
		}
		out += st.Muted.Render(" · ") + style.Render(f)
	}
	if !v.CutoverAt.IsZero() && detail >= 2 {
		out += st.Muted.Render(" · ") + st.Accent.Render("cutover +"+widgets.Clock(m.now.Sub(v.CutoverAt)))
	}
	if v.RollingBack {
		out += " " + st.Crit.Render("ROLLING BACK")
	}
	return out
}

// summary counts sources by verdict: "● 1 crit  ▲ 2 warn  ✓ 14 ok".
func (m *Model) summary() string {
	var c widgets.Counts
	for _, s := range m.snap.Sources {
		c.Add(widgets.Level(s.Effective()))
	}
	return m.styles.Summary(c) + " "
}

// sheetPane is the runsheet: the plan, or the rollback plan while rolling back.
func (m *Model) sheetPane(w, h int) []string {
	st := m.styles
	title := st.Title.Render(" RUNSHEET")
	if m.sheet.RollingBack {
		title = st.Crit.Render(" ROLLING BACK") + st.Muted.Render(" · R resumes the plan")
	}
	if m.focus == paneRunsheet {
		title = st.Accent.Render("▌") + title
	}
	out := []string{fit(title, w)}
	listH := h - 2
	items := m.items()
	// With room to spare under the list, the selected checkpoint's details (gate, command,
	// rollback) are shown there, so they are one glance away.
	var detail []string
	if spare := listH - (len(items) + 1); spare >= 8 && !m.detail {
		if cp, ok := m.selectedCheckpoint(); ok {
			dh := min(spare-1, 12)
			detail = append([]string{m.rule(w, "")}, exact(st.CheckpointDetail(cp, m.sheet.PastNoReturn, w, dh, m.deps.Loc), w, dh)...)
			listH = len(items) + 1
		}
	}
	if msg := m.emptySheet(items); msg != "" {
		out = append(out, fit(st.Muted.Render(msg), w)) // not column names over nothing
		listH = 1
	} else {
		out = append(out, exact(st.CheckpointList(items, m.shownSelection(), w, max(listH, 0), m.now), w, max(listH, 0))...)
	}
	out = append(out, detail...)
	for len(out) < h-1 {
		out = append(out, strings.Repeat(" ", w))
	}
	out = append(out, fit(st.RollbackLine(m.sheet.Checkpoints, m.sheet.PastNoReturn, w), w))
	// Every line is already exactly w cells (fit, or a widget's exact output).
	return exact(strings.Join(out[:min(len(out), max(h, 0))], "\n"), w, max(h, 0))
}

// emptySheet says why the runsheet pane shows no checkpoint, "" when it shows some.
func (m *Model) emptySheet(items []runsheet.Checkpoint) string {
	switch {
	case len(items) > 0:
		return ""
	case m.filter != "":
		return " no checkpoint matches /" + widgets.Sanitize(m.filter) + " · esc clears the filter"
	case m.sheet.RollingBack:
		return " no done checkpoint has a rollback written · R resumes the plan"
	}
	return " no checkpoints: add runsheet.checkpoints to the config"
}

// shownSelection is the row to highlight: the selected one while the runsheet has focus.
func (m *Model) shownSelection() int {
	if m.focus != paneRunsheet {
		return -1
	}
	return m.index()
}
