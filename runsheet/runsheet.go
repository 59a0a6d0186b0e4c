// Package runsheet is the cutover plan: checkpoints, their state machine, gates evaluated
// over board snapshots, plan-vs-actual timing, and the journal file that is the truth for
// every process sharing it.
package runsheet

import (
	"context"
	"time"

	"github.com/warroom-dev/warroom/board"
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
// Callers fill Checkpoint, Action, By and, as needed, Note, Force and Reason; Apply assigns
// Seq (and At when zero), and sets Override and Gate.
type Transition struct {
	Seq        int64     `json:"seq"`
	Checkpoint string    `json:"checkpoint,omitempty"`
	Action     Action    `json:"action"`
	At         time.Time `json:"at"`
	By         string    `json:"by"`             // OS user, or "ssh:USER SHA256:…"
	Note       string    `json:"note,omitempty"` // the reason for fail/skip
	Force      bool      `json:"force,omitempty"`
	Reason     string    `json:"reason,omitempty"` // why a red gate was overridden
	// Override is set by Apply when a done was forced over a gate that was not green.
	Override bool `json:"override,omitempty"`
	// Gate is set by Apply on a done of a gated checkpoint: "held", or what failed.
	Gate string `json:"gate,omitempty"`
}

// Options for Open.
type Options struct {
	Now func() time.Time
	// Expect receives database expectation changes from checkpoints' `expect:`.
	Expect *sources.Expectations
	// Board, when set, receives an event for every transition (from this or another process)
	// and a Touch when the view changes.
	Board *board.Board
	// Names, when set, are the sources gates may name; Open then refuses a gate naming any
	// other (Validate reports the same at config load). Nil: names are not checked.
	Names *Names
	// Baselines, when set, receives each database's journaled baseline (see baseline.go).
	Baselines *sources.Baselines
	// Position, when set, reads a database's position now: a done whose checkpoint makes a
	// database read-only journals it as that database's baseline.
	Position func(ctx context.Context, db string) (sources.Position, error)
	// JournalName is how messages name the journal when rs.Journal is a copy of it (check
	// and checkpoint list read a copy); "" names rs.Journal.
	JournalName string
}

// Refused is the error for a transition that does not apply.
type Refused struct{ Reason string }

// Error returns the reason, in words for the operator.
func (r *Refused) Error() string { return r.Reason }

// View is the runsheet as of one moment.
type View struct {
	Checkpoints  []Checkpoint
	Window       time.Duration // announced downtime, 0 if none
	Started      time.Time     // when the first checkpoint started; zero if none has
	CutoverAt    time.Time     // when the cutover checkpoint was done; zero if not yet
	Elapsed      time.Duration // since Started; frozen once every checkpoint is done or skipped
	Forecast     time.Duration // elapsed + planned remaining on the critical path
	RollingBack  bool
	PastNoReturn bool
	Warnings     []string
	// Finished is true when every checkpoint is done or skipped.
	Finished bool
	// RollbackBy, RollbackAt and RollbackNote say who started the rollback, while RollingBack.
	RollbackBy   string
	RollbackAt   time.Time
	RollbackNote string
	// Seq is the last journaled transition folded into this view.
	Seq int64
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
	Override           bool // done over a red gate (ever; it stays shown)
	Cutover            bool
	PointOfNoReturn    bool
	Command, Rollback  string
	Gate               Gate
	CanStart           bool // pending, and its dependencies are done or skipped
	// OverrideReason is the reason given for the latest override.
	OverrideReason string
	// RollbackVoid: a point-of-no-return checkpoint at or after this one is done, so this
	// rollback no longer applies (shown struck through).
	RollbackVoid bool
	// Expect is the checkpoint's `expect:` (database → writable | read_only).
	Expect map[string]string
	// Blocked names the dependencies not yet done or skipped, while pending.
	Blocked []string
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
	// Sources are the names of the sources the gate reads, sorted.
	Sources []string
	// Evaluated is when the gate was last evaluated; zero if never.
	Evaluated time.Time
}

// OK reports whether the gate lets the checkpoint be marked done: no gate, or green.
func (g Gate) OK() bool { return g.Light == NoGate || g.Light == Green }
