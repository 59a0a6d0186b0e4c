package tui

import "charm.land/bubbles/v2/key"

// keyMap is every key the board answers to. Mutating keys are shown to viewers too, marked
// disabled with the reason, so nobody wonders why nothing happens.
type keyMap struct {
	Tab, Up, Down, Top, Bottom, Detail, Help, Quit key.Binding
	Zoom, Narrow, Widen, Filter, Back              key.Binding
	Start, Done, Fail, Skip, Reopen, Rollback      key.Binding
}

func newKeyMap() keyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return keyMap{
		Tab:      b("tab", "focus", "tab", "shift+tab"),
		Up:       b("k/↑", "up", "k", "up"),
		Down:     b("j/↓", "down", "j", "down"),
		Top:      b("g", "first", "g", "home"),
		Bottom:   b("G", "last (events: live)", "G", "end"),
		Detail:   b("i", "details", "i", "space"),
		Zoom:     b("z", "zoom the source", "z"),
		Narrow:   b("[", "narrower window", "["),
		Widen:    b("]", "wider window", "]"),
		Filter:   b("/", "filter", "/"),
		Back:     b("esc", "back one step", "esc"),
		Help:     b("?", "help", "?"),
		Quit:     b("q", "quit", "q", "ctrl+c"),
		Start:    b("s", "start", "s", "enter"),
		Done:     b("d", "done", "d"),
		Fail:     b("f", "fail (asks why)", "f"),
		Skip:     b("x", "skip (asks why)", "x"),
		Reopen:   b("u", "reopen (y/n)", "u"),
		Rollback: b("R", "rollback mode (y/n)", "R"),
	}
}

// mutating reports whether a binding changes the runsheet.
func (k keyMap) mutating(b key.Binding) bool {
	for _, m := range []key.Binding{k.Start, k.Done, k.Fail, k.Skip, k.Reopen, k.Rollback} {
		if m.Help() == b.Help() {
			return true
		}
	}
	return false
}

// short returns the keys of the focused pane, for the footer.
func (k keyMap) short(f pane) []key.Binding {
	short := func(b key.Binding, desc string) key.Binding {
		b.SetHelp(b.Help().Key, desc)
		return b
	}
	switch f {
	case paneRunsheet:
		return []key.Binding{k.Tab, k.Down, k.Start, k.Done, short(k.Fail, "fail"), short(k.Skip, "skip"),
			short(k.Reopen, "reopen"), k.Filter, k.Detail, k.Help, k.Quit}
	case paneCharts:
		return []key.Binding{k.Tab, k.Down, short(k.Zoom, "zoom"), short(k.Narrow, "narrower"),
			short(k.Widen, "wider"), k.Filter, k.Detail, k.Help, k.Quit}
	}
	return []key.Binding{k.Tab, short(k.Down, "older"), short(k.Bottom, "live"), k.Filter, k.Help, k.Quit}
}

// typing returns the keys that work while a filter is typed (every other key is text), for
// the footer: showing the pane's keys then would offer j, G or q, which only type letters.
func (k keyMap) typing() []key.Binding {
	b := func(help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(help), key.WithHelp(help, desc))
	}
	return []key.Binding{b("type", "a name or id"), b("enter", "keep the filter"), b("backspace", "delete"),
		b("ctrl+u", "clear"), b("esc", "stop typing")}
}

// full returns every key, grouped, for the help screen.
func (k keyMap) full() [][]key.Binding {
	return [][]key.Binding{
		{k.Tab, k.Up, k.Down, k.Top, k.Bottom, k.Detail},
		{k.Zoom, k.Narrow, k.Widen, k.Filter, k.Back},
		{k.Start, k.Done, k.Fail, k.Skip, k.Reopen, k.Rollback},
		{k.Help, k.Quit},
	}
}
