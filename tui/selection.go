package tui

import "github.com/warroom-dev/warroom/runsheet"

// items is the runsheet as the pane shows it: the plan, or while rolling back the done
// checkpoints, last first. Keys act on what is shown.
func (m *Model) items() []runsheet.Checkpoint {
	if m.sheet.RollingBack {
		return rollbackPlan(m.sheet.Checkpoints)
	}
	return m.sheet.Checkpoints
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
	for _, c := range m.items() {
		if c.ID == m.selID {
			return c, true
		}
	}
	return runsheet.Checkpoint{}, false
}

// keepSelection holds the selection on the same checkpoint when the runsheet changes (so a
// key never lands on another row than the one under the cursor), and moves it to the
// running checkpoint, or the next that can start, while it follows.
func (m *Model) keepSelection() {
	items := m.items()
	if len(items) == 0 {
		m.selID = ""
		return
	}
	if m.follow || m.index() < 0 {
		m.selID = items[m.firstStartable(items)].ID
	}
}

// firstStartable is the first checkpoint that is running, or else can start; the first one
// when none is (and in the rollback plan, its first step).
func (m *Model) firstStartable(items []runsheet.Checkpoint) int {
	if m.sheet.RollingBack {
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

// moveSelection moves the runsheet selection by d rows; the user now steers it.
func (m *Model) moveSelection(d int) {
	items := m.items()
	if len(items) == 0 {
		return
	}
	i := clamp(m.index()+d, 0, len(items)-1)
	m.selID = items[i].ID
	m.follow = false
}
