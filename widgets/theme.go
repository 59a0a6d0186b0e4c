// Package widgets holds warroom's pure renderers and its theme: a sparkline row, the
// checkpoint list and detail, status badges and the event log. Every function takes data and
// a width (and height) and returns a string of exactly that many cells per line; none of them
// polls, sleeps, keeps state or knows about Bubble Tea. Text from outside is sanitized by the
// widget that draws it.
package widgets

import (
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
)

// Level is the verdict a widget colours by. Its values match sources.Status one for one
// (Unknown 0, OK 1, Warn 2, Crit 3), so widgets.Level(status) converts.
type Level int

// The levels.
const (
	LevelUnknown Level = iota
	LevelOK
	LevelWarn
	LevelCrit
)

// Glyph returns the level's glyph: ✓ ok, ▲ warn, ● crit, ? unknown. The glyphs differ so a
// level reads without colour.
func Glyph(l Level) string {
	switch l {
	case LevelOK:
		return "✓"
	case LevelWarn:
		return "▲"
	case LevelCrit:
		return "●"
	}
	return "?"
}

// StaleGlyph marks a source that has not answered for twice its interval.
const StaleGlyph = "◌"

// Theme is a palette named by meaning. Widgets never name a colour directly.
type Theme struct {
	Name       string
	Text       color.Color // ordinary text
	Muted      color.Color // secondary text: column names, min/max, times
	Accent     color.Color // titles, the cutover marker, charts without thresholds
	OK         color.Color
	Warn       color.Color
	Crit       color.Color
	Unknown    color.Color
	Stale      color.Color // a source that stopped answering
	Border     color.Color
	SelectedFg color.Color
	SelectedBg color.Color
}

// Dark is the theme for dark terminal backgrounds.
func Dark() Theme {
	return Theme{
		Name:       "dark",
		Text:       lipgloss.Color("#E4E4E4"),
		Muted:      lipgloss.Color("#8A8A8A"),
		Accent:     lipgloss.Color("#5FAFFF"),
		OK:         lipgloss.Color("#5FD787"),
		Warn:       lipgloss.Color("#FFAF00"),
		Crit:       lipgloss.Color("#FF5F5F"),
		Unknown:    lipgloss.Color("#A8A8A8"),
		Stale:      lipgloss.Color("#626262"),
		Border:     lipgloss.Color("#4E4E4E"),
		SelectedFg: lipgloss.Color("#FFFFFF"),
		SelectedBg: lipgloss.Color("#2F3F5F"),
	}
}

// Light is the theme for light terminal backgrounds.
func Light() Theme {
	return Theme{
		Name:       "light",
		Text:       lipgloss.Color("#1C1C1C"),
		Muted:      lipgloss.Color("#6C6C6C"),
		Accent:     lipgloss.Color("#005FD7"),
		OK:         lipgloss.Color("#008700"),
		Warn:       lipgloss.Color("#AF5F00"),
		Crit:       lipgloss.Color("#D70000"),
		Unknown:    lipgloss.Color("#767676"),
		Stale:      lipgloss.Color("#A8A8A8"),
		Border:     lipgloss.Color("#BCBCBC"),
		SelectedFg: lipgloss.Color("#000000"),
		SelectedBg: lipgloss.Color("#D0DEFF"),
	}
}

// Styles are the lipgloss styles of one session, derived once from a theme (and again when
// the terminal reports another background). Make one per local or SSH session; never share a
// package-level one. The exported styles are for the caller's own chrome (header, borders);
// the widgets use precomputed forms of the same styles.
type Styles struct {
	Theme    Theme
	NoColor  bool
	Text     lipgloss.Style
	Muted    lipgloss.Style
	Accent   lipgloss.Style
	Title    lipgloss.Style // bold accent: pane and section titles
	OK       lipgloss.Style
	Warn     lipgloss.Style
	Crit     lipgloss.Style
	Unknown  lipgloss.Style
	Stale    lipgloss.Style
	Border   lipgloss.Style
	Selected lipgloss.Style // the selected row: background colour, or reverse without colour

	paints [numPaints]paint // escape-sequence forms of the styles above, by role
	sel    [numPaints]paint // the same on the selected row's background
	cells  [8]string        // spark block characters
}

// paintID names a role a widget paints text in.
type paintID int

const (
	pPlain paintID = iota
	pText
	pMuted
	pAccent
	pTitle
	pOK
	pWarn
	pCrit
	pCritBold
	pUnknown
	pStale
	pStrike
	pCutover
	pWarnLine // a tall chart's warn threshold line: faint
	pCritLine
	numPaints
)

// paint is a style reduced to the escape sequences around its text, so that a hot widget can
// colour a run of cells with two string writes instead of a lipgloss Render.
type paint struct{ pre, post string }

func paintOf(s lipgloss.Style) paint {
	const mark = "\uE000"
	out := s.Render(mark)
	pre, post, ok := strings.Cut(out, mark)
	if !ok {
		return paint{}
	}
	return paint{pre: pre, post: post}
}

// NewStyles derives a session's styles from a theme. With noColor (NO_COLOR set, or a
// terminal without colour) no colour is emitted at all; bold, faint, strikethrough and
// reverse still mark what colour would.
func NewStyles(t Theme, noColor bool) *Styles {
	st := &Styles{Theme: t, NoColor: noColor}
	base := lipgloss.NewStyle()
	fg := func(c color.Color) lipgloss.Style {
		if noColor {
			return base
		}
		return base.Foreground(c)
	}
	st.Text = fg(t.Text)
	st.Muted = fg(t.Muted)
	st.Accent = fg(t.Accent)
	st.Title = fg(t.Accent).Bold(true)
	st.OK = fg(t.OK)
	st.Warn = fg(t.Warn).Bold(noColor)
	st.Crit = fg(t.Crit).Bold(true)
	st.Unknown = fg(t.Unknown)
	st.Stale = fg(t.Stale).Faint(noColor)
	st.Border = fg(t.Border)
	if noColor {
		st.Selected = base.Reverse(true)
	} else {
		st.Selected = base.Foreground(t.SelectedFg).Background(t.SelectedBg)
	}
	roles := [numPaints]lipgloss.Style{
		pPlain:    base,
		pText:     st.Text,
		pMuted:    st.Muted,
		pAccent:   st.Accent,
		pTitle:    st.Title,
		pOK:       st.OK,
		pWarn:     st.Warn,
		pCrit:     fg(t.Crit).Bold(noColor),
		pCritBold: st.Crit,
		pUnknown:  st.Unknown,
		pStale:    st.Stale,
		pStrike:   st.Muted.Strikethrough(true),
		pCutover:  fg(t.Accent).Bold(true),
		pWarnLine: fg(t.Warn).Faint(true),
		pCritLine: fg(t.Crit).Faint(true),
	}
	for i, s := range roles {
		st.paints[i] = paintOf(s)
		if noColor {
			st.sel[i] = paintOf(s.Reverse(true))
		} else {
			st.sel[i] = paintOf(s.Background(t.SelectedBg))
		}
	}
	if !noColor {
		st.sel[pPlain] = paintOf(st.Selected)
		st.sel[pText] = paintOf(base.Foreground(t.SelectedFg).Background(t.SelectedBg))
	}
	st.cells = [8]string{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}
	return st
}

// Level returns the style of a level (for the caller's own text).
func (st *Styles) Level(l Level) lipgloss.Style {
	switch l {
	case LevelOK:
		return st.OK
	case LevelWarn:
		return st.Warn
	case LevelCrit:
		return st.Crit
	}
	return st.Unknown
}

// levelPaint is the paint of a level's glyph and value.
func levelPaint(l Level) paintID {
	switch l {
	case LevelOK:
		return pOK
	case LevelWarn:
		return pWarn
	case LevelCrit:
		return pCritBold
	}
	return pUnknown
}
