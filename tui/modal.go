package tui

import (
	"charm.land/bubbles/v2/textinput"

	"github.com/warroom-dev/warroom/runsheet"
)

type modalKind int

const (
	confirmQuit modalKind = iota
	confirmRollback
	reasonPrompt
	overridePrompt
)

// modal is the one dialog that may be open over the board.
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

func newConfirm(kind modalKind, title, body string) *modal {
	return &modal{kind: kind, title: title, body: body}
}

func newInput(placeholder string) textinput.Model {
	in := textinput.New()
	in.Placeholder = placeholder
	in.CharLimit = 500
	in.SetWidth(48)
	in.Focus()
	return in
}

func newReason(action runsheet.Action, id, title string) *modal {
	return &modal{kind: reasonPrompt, title: title, action: action, id: id,
		body: "The reason is journaled with your name.", input: newInput("reason")}
}

func newOverride(id, why string) *modal {
	return &modal{kind: overridePrompt, id: id, title: "Gate refuses done for " + id,
		body: why, input: newInput("why it is safe anyway")}
}

// prompt is the line above the input for the dialog's current step.
func (d *modal) prompt() string {
	switch d.kind {
	case overridePrompt:
		if d.step == 0 {
			return "To override, write the reason (journaled, shown forever):"
		}
		return "Type " + d.id + " to confirm the override:"
	case reasonPrompt:
		return "Reason:"
	}
	return "y/enter: yes    n/esc: no"
}
