package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/warroom-dev/warroom/board"
)

// shows reports whether a row named by any of names passes the filter: a case-insensitive
// substring of a source's name, or a checkpoint's id or title.
func (m *Model) shows(names ...string) bool {
	if m.filter == "" {
		return true
	}
	f := strings.ToLower(m.filter)
	for _, n := range names {
		if strings.Contains(strings.ToLower(n), f) {
			return true
		}
	}
	return false
}

// events is the event log as shown: with a filter, only the events of the sources and
// checkpoints it keeps.
func (m *Model) events() []board.Event {
	if m.filter == "" {
		return m.snap.Events
	}
	out := make([]board.Event, 0, 64)
	for _, e := range m.snap.Events {
		if m.shows(e.Source, e.Text) {
			out = append(out, e)
		}
	}
	return out
}

// filterKey handles a key while the filter is being typed: text edits it, enter keeps it
// and ends typing, esc ends typing (the filter stays until the next esc clears it).
func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "enter", "esc":
		m.filtering = false
	case "backspace":
		if r := []rune(m.filter); len(r) > 0 {
			m.filter = string(r[:len(r)-1])
		}
	case "ctrl+u":
		m.filter = ""
	case "ctrl+c":
		m.filtering = false
		return m.quit()
	default:
		if t := msg.Text; t != "" && len([]rune(m.filter)) < 40 {
			m.filter += t
		}
	}
	m.chartsCache = nil
	m.keepSelection()
	return nil
}

// back is esc outside a dialog: it backs out one step at a time — the zoom, then the
// filter, then a scrolled event log.
func (m *Model) back() {
	switch {
	case m.zoom != "":
		m.zoom = ""
	case m.filter != "":
		m.filter = ""
		m.chartsCache = nil
		m.keepSelection()
	case m.eventsOff > 0:
		m.eventsOff = 0
	case m.detail:
		m.detail = false
	}
}
