package runsheet

import (
	"fmt"
	"time"
)

// HoldProgress is how far a gate's hold has got, in the figures every place that prints a
// hold uses (the board's and the web page's runsheet rows, a refused done, the progress of
// `checkpoint done`), so that no two of them can disagree.
//
// Held is truncated to the unit and Hold rounded up to it: 29.6 s of a 30 s hold is "29s
// of 30s", never "30s of 30s", so a held figure that reaches the hold's only ever shows on
// a hold that is complete (and then the gate is green, not holding). The unit is the minute
// for holds of two minutes or more that are whole minutes, else the second.
type HoldProgress struct {
	Held, Hold int
	Unit       string // "s" or "m"
}

// Progress returns g's hold progress as of its last view.
func (g Gate) Progress() HoldProgress { return NewHoldProgress(g.Held, g.Hold) }

// NewHoldProgress returns the progress of a hold of hold that has held for held.
func NewHoldProgress(held, hold time.Duration) HoldProgress {
	held, hold = max(held, 0), max(hold, 0)
	unit, name := time.Second, "s"
	if hold >= 2*time.Minute && hold%time.Minute == 0 {
		unit, name = time.Minute, "m"
	}
	up := hold / unit
	if hold%unit != 0 {
		up++
	}
	return HoldProgress{Held: int(held / unit), Hold: int(up), Unit: name}
}

// String is the progress in words: "29s of 30s", "4m of 5m".
func (p HoldProgress) String() string {
	return fmt.Sprintf("%d%s of %d%s", p.Held, p.Unit, p.Hold, p.Unit)
}

// Short is the progress in a board's gate column: "29/30s", "4/5m".
func (p HoldProgress) Short() string {
	return fmt.Sprintf("%d/%d%s", p.Held, p.Hold, p.Unit)
}
