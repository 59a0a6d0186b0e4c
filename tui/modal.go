package tui

import (
	"charm.land/bubbles/v2/textinput"

	"github.com/warroom-dev/warroom/runsheet"
)

type modalKind int

const (
	confirmQuit modalKind = iota
	confirmRollback
	confirmResume
	confirmReopen
	reasonPrompt
	overridePrompt
)

// modal is the one dialog that may be open over the board. Its words say exactly what its
// keys do (prompt): a y/n question changes something only on y, a text dialog only on
// enter with text, and every other way out cancels and says so.
type modal struct {
	kind   modalKind
	title  string
	body   string
	input  textinput.Model
	action runsheet.Action
	id     string
	step   int    // override: 0 asks the reason, 1 the typed confirmation
	reason string // override: the reason given at step 0
	err    string
}

func newConfirm(kind modalKind, id, title, body string) *modal {
	return &modal{kind: kind, id: id, title: title, body: body}
}

func newInput(placeholder string) textinput.Model {
	in := textinput.New()
	in.Placeholder = placeholder
	in.CharLimit = 500
	in.SetWidth(48)
	in.Focus()
	return in
}

// newReason is the question of f and x: the box asks for the reason and names the id.
func newReason(action runsheet.Action, id string) *modal {
	title := "Fail " + id + "? Why did it fail?"
	if action == runsheet.Skip {
		title = "Skip " + id + "? Why skip it?"
	}
	return &modal{kind: reasonPrompt, title: title, action: action, id: id,
		body: "The reason is journaled with your name.", input: newInput("reason")}
}

func newOverride(id, why string) *modal {
	return &modal{kind: overridePrompt, id: id, title: "Gate refuses done for " + id,
		body: why, input: newInput("why it is safe anyway")}
}

// verb is what the dialog's confirming key does, in the words of the prompt.
func (d *modal) verb() string {
	switch d.kind {
	case confirmRollback:
		return "roll back"
	case confirmResume:
		return "resume the plan"
	case confirmReopen:
		return "reopen " + d.id
	case reasonPrompt:
		return "record " + string(d.action) + " of " + d.id
	case overridePrompt:
		if d.step == 0 {
			return "next"
		}
		return "record done of " + d.id + " as an override"
	}
	return "quit"
}

// prompt is the line above the input (or the keys of a y/n question).
func (d *modal) prompt() string {
	switch d.kind {
	case overridePrompt:
		if d.step == 0 {
			return "To override, write the reason (journaled, shown forever):"
		}
		return "Type " + d.id + " to confirm the override:"
	case reasonPrompt:
		return "Reason:"
	case confirmQuit:
		return "y/enter: quit    n/esc: stay"
	}
	return "y: " + d.verb() + "    any other key: cancel"
}

// keysLine is the last line of a text dialog: what enter and esc do.
func (d *modal) keysLine() string {
	return "enter: " + d.verb() + " · esc: cancel"
}
