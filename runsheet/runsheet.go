// Package runsheet is the cutover plan: checkpoints, their state machine, gates evaluated
// over board snapshots, plan-vs-actual timing, and the journal file that is the truth for
// every process sharing it.
package runsheet

import (
	"context"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// State is a checkpoint's state.
type State string

// The states of a checkpoint.
const (
	Pending State = "pending"
	Running State = "running"
	Done    State = "done"
	Failed  State = "failed"
	Skipped State = "skipped"
)

// Action is what a transition does.
type Action string

// The actions. Start, Done, Fail, Skip and Reopen name a checkpoint; Rollback and Resume
// change the whole run.
const (
	Start    Action = "start"
	Finish   Action = "done"
	Fail     Action = "fail"
	Skip     Action = "skip"
	Reopen   Action = "reopen"
	Rollback Action = "rollback"
	Resume   Action = "resume"
)

// Transition is one change, as asked for and as journaled (one JSON line each).
type Transition struct {
	Seq        int64     `json:"seq"`
	Checkpoint string    `json:"checkpoint,omitempty"`
	Action     Action    `json:"action"`
	At         time.Time `json:"at"`
	By         string    `json:"by"`             // OS user, or "ssh:USER SHA256:…"
	Note       string    `json:"note,omitempty"` // the reason for fail/skip
	Force      bool      `json:"force,omitempty"`
	Reason     string    `json:"reason,omitempty"` // why a red gate was overridden
}

// Options for Open.
type Options struct {
	Now func() time.Time
	// Expect receives database expectation changes from checkpoints' `expect:`.
	Expect *sources.Expectations
	// Board, when set, receives an event for every transition (from this or another process)
	// and a Touch when the view changes.
	Board *board.Board
}

// Sheet is a runsheet bound to its journal. Safe for concurrent use.
type Sheet struct{}

// Open loads the plan, folds the journal (creating it if missing) and returns the sheet.
// A torn last line is ignored with a warning in View().Warnings.
func Open(rs config.Runsheet, opt Options) (*Sheet, error) { panic("TODO") }

// Apply validates t against the latest journaled state under the journal's lock, appends and
// fsyncs it. A refused transition returns a *Refused error with the reason.
func (s *Sheet) Apply(ctx context.Context, t Transition) error { panic("TODO") }

// Refused is the error for a transition that does not apply.
type Refused struct{ Reason string }

func (r *Refused) Error() string { return r.Reason }

// Evaluate evaluates every gate against snap (called on each new board snapshot).
func (s *Sheet) Evaluate(snap *board.Snapshot) {}

// Watch re-reads the journal when another process appends to it, until ctx is done.
func (s *Sheet) Watch(ctx context.Context) {}

// View returns an immutable view of the runsheet now.
func (s *Sheet) View() View { panic("TODO") }

// Close releases the journal.
func (s *Sheet) Close() error { return nil }

// View is the runsheet as of one moment.
type View struct {
	Checkpoints  []Checkpoint
	Window       time.Duration // announced downtime, 0 if none
	Started      time.Time     // when the first checkpoint started; zero if none has
	CutoverAt    time.Time     // when the cutover checkpoint was done; zero if not yet
	Elapsed      time.Duration
	Forecast     time.Duration // elapsed + planned remaining on the critical path
	RollingBack  bool
	PastNoReturn bool
	Warnings     []string
}

// Checkpoint is one checkpoint's plan and state.
type Checkpoint struct {
	ID, Title, Owner   string
	Planned            time.Duration
	After              []string
	State              State
	StartedAt, EndedAt time.Time
	Actual             time.Duration // ended-started, or so far while running
	Overrun            bool
	By, Note           string
	Override           bool // done over a red gate
	Cutover            bool
	PointOfNoReturn    bool
	Command, Rollback  string
	Gate               Gate
	CanStart           bool // its dependencies are done or skipped
}

// Light is a gate's colour.
type Light string

// The lights of a gate.
const (
	NoGate Light = ""
	Green  Light = "green" // holds (for its hold time)
	Amber  Light = "amber" // holds, not yet for its hold time
	Red    Light = "red"   // fails
	Grey   Light = "grey"  // unknown: a source it names is unknown or stale
)

// Gate is a checkpoint gate's last evaluation.
type Gate struct {
	Expr    string
	Light   Light
	Failing string        // the part of the expression that fails, or why it is unknown
	Held    time.Duration // how long it has held
	Hold    time.Duration
}
