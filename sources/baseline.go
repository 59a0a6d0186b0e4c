package sources

import (
	"errors"
	"sync"
	"time"
)

// ErrNoPosition is what a position reader answers for a database it cannot read a position
// of (not a MySQL/MariaDB source): no baseline is journaled for it, and nothing is said.
var ErrNoPosition = errors.New("no position can be read for this database")

// Position is where a database node's writes stood: its GTID set and its binary log file
// and position. A node frozen at a position that later moves past it has written.
type Position struct {
	GTID       string `json:"gtid,omitempty"` // MariaDB gtid_binlog_state, MySQL gtid_executed
	BinlogFile string `json:"binlog_file,omitempty"`
	BinlogPos  uint64 `json:"binlog_pos,omitempty"`
}

// Baseline is a frozen node's position as the journal holds it, so that every process (a
// board, a restarted board, a fresh check, a checkpoint's gate) compares with the same one.
type Baseline struct {
	// Epoch is the journal seq of the done that made the node read-only; 0: no checkpoint
	// made it read-only (each process then watches from when it first saw the node).
	Epoch      int64
	Checkpoint string    // that done's checkpoint
	Position   *Position // nil: not journaled yet
	At         time.Time // when the position was read
}

// Baselines holds the journaled baseline of each database, set by the runsheet and read by
// database sources on every poll. Safe for concurrent use; a nil *Baselines holds none.
type Baselines struct {
	mu     sync.RWMutex
	m      map[string]Baseline
	record func(db string, epoch int64, p Position, at time.Time)
}

// NewBaselines returns an empty set.
func NewBaselines() *Baselines { return &Baselines{m: map[string]Baseline{}} }

// Get returns the baseline of a database (the zero Baseline when there is none).
func (b *Baselines) Get(db string) Baseline {
	if b == nil {
		return Baseline{}
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.m[db]
}

// Set replaces the baseline of a database.
func (b *Baselines) Set(db string, v Baseline) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m[db] = v
}

// OnMissing sets who journals a position a source offers for an epoch that has none (a
// process that may write the journal; check has no one, and never writes).
func (b *Baselines) OnMissing(f func(db string, epoch int64, p Position, at time.Time)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.record = f
}

// Offer hands the position a source just read to whoever journals baselines, for an epoch
// that has none journaled yet. It reports whether anyone took it.
func (b *Baselines) Offer(db string, epoch int64, p Position, at time.Time) bool {
	if b == nil {
		return false
	}
	b.mu.RLock()
	f := b.record
	b.mu.RUnlock()
	if f == nil {
		return false
	}
	f(db, epoch, p, at)
	return true
}
