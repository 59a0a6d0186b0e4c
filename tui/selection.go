package tui

import "github.com/warroom-dev/warroom/runsheet"

// items is the runsheet as the pane shows it: the plan, or while rolling back the rollback
// plan (runsheet.View.RollbackSteps); with a filter, only the checkpoints it keeps. Keys act
// on what is shown.
func (m *Model) items() []runsheet.Checkpoint {
	items := m.sheet.Checkpoints
	if m.sheet.RollingBack {
		items = m.sheet.RollbackSteps()
	}
	if m.filter == "" {
		return items
	}
	shown := make([]runsheet.Checkpoint, 0, len(items))
	for _, c := range items {
		if m.shows(c.ID, c.Title) {
			shown = append(shown, c)
		}
	}
	return shown
}

// index is the position of the selected checkpoint among the shown items, -1 if none.
func (m *Model) index() int {
	for i, c := range m.items() {
		if c.ID == m.selID {
			return i
		}
	}
	return -1
}

// selectedCheckpoint is the selected checkpoint, if one is shown.
func (m *Model) selectedCheckpoint() (runsheet.Checkpoint, bool) {
	if i := m.index(); i >= 0 {
		return m.items()[i], true
	}
	return runsheet.Checkpoint{}, false
}

// keepSelection holds the selection on the same checkpoint whatever changes in the
// runsheet: the selection moves only when the operator moves it (or after the operator's own
// done or skip, see followOn), never because someone else changed a checkpoint, so a key
// never lands on another row than the one the operator chose. Only when nothing is selected
// yet, or the selected checkpoint is not shown (rollback mode switched the list), is one
// chosen: the running checkpoint, else the first that can start.
func (m *Model) keepSelection() {
	items := m.items()
	if len(items) == 0 {
		m.selID = ""
		return
	}
	if m.index() < 0 {
		m.selID = items[firstStartable(items, m.sheet.RollingBack)].ID
	}
}

// firstStartable is the first checkpoint that is running, or else can start; the first one
// when none is (and in the rollback plan, its first step).
func firstStartable(items []runsheet.Checkpoint, rollingBack bool) int {
	if rollingBack {
		return 0
	}
	for i, c := range items {
		if c.State == runsheet.Running {
			return i
		}
	}
	for i, c := range items {
		if c.State == runsheet.Pending && c.CanStart {
			return i
		}
	}
	return 0
}

// followOn moves the selection, after the operator's own done or skip of the selected
// checkpoint id, to the next pending checkpoint below it: never up, never to a finished
// one. With none below, it stays.
func (m *Model) followOn(id string) {
	if m.sheet.RollingBack || id != m.selID {
		return
	}
	items := m.items()
	for i := m.index() + 1; i >= 1 && i < len(items); i++ {
		if items[i].State == runsheet.Pending {
			m.selID = items[i].ID
			return
		}
	}
}

// moveSelection moves the runsheet selection by d rows.
func (m *Model) moveSelection(d int) {
	items := m.items()
	if len(items) == 0 {
		return
	}
	i := clamp(m.index()+d, 0, len(items)-1)
	m.selID = items[i].ID
}
