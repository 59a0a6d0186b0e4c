package tui

import (
	"errors"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/widgets"
)

// key handles one key press.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if m.modal != nil {
		return m.modalKey(msg)
	}
	if m.help {
		if key.Matches(msg, m.keys.Quit) && msg.String() == "ctrl+c" {
			return m.quit()
		}
		m.help = false
		return nil
	}
	if m.filtering {
		return m.filterKey(msg)
	}
	if m.deps.Replay != nil {
		if cmd, ok := m.replayKey(msg); ok {
			return cmd
		}
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.help = true
	case key.Matches(msg, k.Back):
		m.back()
	case key.Matches(msg, k.Filter):
		m.filtering = true
	case key.Matches(msg, k.Widen):
		m.widen(1)
	case key.Matches(msg, k.Narrow):
		m.widen(-1)
	case key.Matches(msg, k.Zoom):
		m.toggleZoom()
	case key.Matches(msg, k.Tab):
		if msg.String() == "shift+tab" {
			m.focus = (m.focus + paneCount - 1) % paneCount
		} else {
			m.focus = (m.focus + 1) % paneCount
		}
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.Top):
		m.move(-1 << 20)
	case key.Matches(msg, k.Bottom):
		m.move(1 << 20)
	case key.Matches(msg, k.Detail):
		m.detail = !m.detail
	case m.focus == paneRunsheet || key.Matches(msg, k.Rollback):
		return m.runsheetKey(msg)
	}
	return nil
}

// quit asks first while a checkpoint is running and this session could be the one running it.
func (m *Model) quit() tea.Cmd {
	if m.deps.Role == Operator {
		for _, c := range m.sheet.Checkpoints {
			if c.State == runsheet.Running {
				m.modal = newConfirm(confirmQuit, "", "Quit warroom?",
					c.ID+" is still running. The journal keeps it; quitting only closes this screen.")
				return nil
			}
		}
	}
	m.quitting = true
	return tea.Quit
}

// move moves the selection of the focused pane.
func (m *Model) move(d int) {
	switch m.focus {
	case paneRunsheet:
		m.moveSelection(d)
	case paneCharts:
		rows := m.chartRows()
		m.chartSel = sourceRow(rows, sourceRow(rows, m.chartSel, 1)+d, d)
	case paneEvents:
		// Newest first: down (j) goes back in time; G (bottom) is back to live, g the oldest.
		switch d {
		case 1 << 20:
			m.eventsOff = 0
		case -1 << 20:
			m.eventsOff = len(m.events()) - 1
		default:
			m.eventsOff += d
		}
		m.eventsOff = clamp(m.eventsOff, 0, max(0, len(m.events())-1))
		m.eventsN = len(m.events())
	}
}

func clamp(v, lo, hi int) int {
	if hi < lo {
		return lo
	}
	return min(max(v, lo), hi)
}

// runsheetKey handles the keys that change checkpoints.
func (m *Model) runsheetKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	var b key.Binding
	for _, c := range []key.Binding{k.Start, k.Done, k.Fail, k.Skip, k.Reopen, k.Rollback} {
		if key.Matches(msg, c) {
			b = c
		}
	}
	if len(b.Keys()) == 0 {
		return nil
	}
	if m.readOnly() {
		m.setFlash(m.readOnlyWhy(), widgets.LevelWarn)
		return nil
	}
	if m.pending {
		m.setFlash("still recording the last change…", widgets.LevelWarn)
		return nil
	}
	if key.Matches(msg, k.Rollback) {
		return m.askRollback()
	}
	cp, ok := m.selectedCheckpoint()
	if !ok {
		return nil
	}
	switch {
	case key.Matches(msg, k.Start):
		return m.applyCmd(runsheet.Transition{Checkpoint: cp.ID, Action: runsheet.Start})
	case key.Matches(msg, k.Done):
		return m.applyCmd(runsheet.Transition{Checkpoint: cp.ID, Action: runsheet.Finish})
	case key.Matches(msg, k.Reopen):
		if m.refuses(runsheet.Transition{Checkpoint: cp.ID, Action: runsheet.Reopen}) {
			return nil
		}
		m.modal = newConfirm(confirmReopen, cp.ID, "Reopen "+cp.ID+"?",
			cp.ID+" is "+string(cp.State)+"; reopening makes it pending again (journaled with your name).")
	case key.Matches(msg, k.Fail), key.Matches(msg, k.Skip):
		action := runsheet.Fail
		if key.Matches(msg, k.Skip) {
			action = runsheet.Skip
		}
		// Ask for a reason only for a change that can be made.
		if m.refuses(runsheet.Transition{Checkpoint: cp.ID, Action: action, Note: "?"}) {
			return nil
		}
		m.modal = newReason(action, cp.ID)
	}
	return nil
}

// askRollback asks before switching the runsheet to its rollback plan, or back to the plan.
func (m *Model) askRollback() tea.Cmd {
	if m.sheet.RollingBack {
		if m.refuses(runsheet.Transition{Action: runsheet.Resume}) {
			return nil
		}
		m.modal = newConfirm(confirmResume, "", "Resume the plan?",
			"The runsheet leaves rollback mode and shows the plan again.")
		return nil
	}
	if m.refuses(runsheet.Transition{Action: runsheet.Rollback}) {
		return nil
	}
	steps := m.sheet.RollbackSteps()
	body := "No done checkpoint has a rollback written: the rollback plan is empty."
	if len(steps) > 0 {
		n := "1 step:"
		if len(steps) > 1 {
			n = fmt.Sprintf("%d steps, last done first, starting with", len(steps))
		}
		body = fmt.Sprintf("The runsheet switches to the rollback plan, %s %s.", n, steps[0].ID)
	}
	m.modal = newConfirm(confirmRollback, "", "Roll back the cutover?", body)
	return nil
}

// refuses reports (and says in the footer) that the runsheet would refuse t, so that no
// dialog asks for a change that cannot be made. Without a Check, nothing is refused here.
func (m *Model) refuses(t runsheet.Transition) bool {
	if m.deps.Check == nil {
		return false
	}
	t.By = m.deps.User
	var refused *runsheet.Refused
	if err := m.deps.Check(t); errors.As(err, &refused) {
		m.setFlash("refused: "+refused.Reason, widgets.LevelCrit)
		return true
	}
	return false
}

// cancel closes the dialog and says so.
func (m *Model) cancel() {
	m.modal = nil
	m.setFlash("cancelled", widgets.LevelUnknown)
}

// modalKey gives a key to the open dialog.
func (m *Model) modalKey(msg tea.KeyPressMsg) tea.Cmd {
	d := m.modal
	switch d.kind {
	case confirmQuit:
		switch msg.String() {
		case "y", "Y", "enter", "ctrl+c", "q":
			m.modal = nil
			m.quitting = true
			return tea.Quit
		case "n", "N", "esc":
			m.modal = nil
		}
		return nil
	case confirmRollback, confirmResume, confirmReopen:
		// Only a deliberate y changes anything; every other key cancels.
		if s := msg.String(); s != "y" && s != "Y" {
			m.cancel()
			return nil
		}
		m.modal = nil
		switch d.kind {
		case confirmRollback:
			return m.applyCmd(runsheet.Transition{Action: runsheet.Rollback})
		case confirmResume:
			return m.applyCmd(runsheet.Transition{Action: runsheet.Resume})
		}
		return m.applyCmd(runsheet.Transition{Checkpoint: d.id, Action: runsheet.Reopen})
	}
	switch msg.String() {
	case "esc":
		m.cancel()
		return nil
	case "ctrl+c":
		m.modal = nil
		return m.quit()
	case "enter":
		return m.submit(d)
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	d.err = ""
	return cmd
}

// paste gives pasted text (bracketed paste) to the open text dialog.
func (m *Model) paste(msg tea.PasteMsg) tea.Cmd {
	d := m.modal
	if d == nil || (d.kind != reasonPrompt && d.kind != overridePrompt) {
		return nil
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	d.err = ""
	return cmd
}

// submit finishes a text dialog.
func (m *Model) submit(d *modal) tea.Cmd {
	text := d.input.Value()
	switch d.kind {
	case reasonPrompt:
		if text == "" {
			d.err = "a reason is required: it goes in the journal"
			return nil
		}
		m.modal = nil
		return m.applyCmd(runsheet.Transition{Checkpoint: d.id, Action: d.action, Note: text})
	case overridePrompt:
		if d.step == 0 {
			if text == "" {
				d.err = "write why the gate may be overridden: it is journaled and shown forever"
				return nil
			}
			d.reason = text
			d.step = 1
			d.input.SetValue("")
			d.input.Placeholder = d.id
			return nil
		}
		if text != d.id {
			d.err = "type " + d.id + " exactly to confirm, or esc to cancel"
			return nil
		}
		m.modal = nil
		return m.applyCmd(runsheet.Transition{Checkpoint: d.id, Action: runsheet.Finish, Force: true, Reason: d.reason})
	}
	return nil
}
