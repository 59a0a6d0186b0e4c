package board

import (
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// Snapshot is an immutable view of the board at one version. Never modify what it holds.
type Snapshot struct {
	Version uint64
	At      time.Time     // when this version was published (Options.Now)
	Sources []SourceState // in display order
	Events  []Event       // oldest first
	Status  sources.Status

	byName map[string]int // source name → index in Sources
	keys   map[string]int // series key → index in views
	views  []*SeriesView
}

// Source returns the named source's state.
func (s *Snapshot) Source(name string) (SourceState, bool) {
	i, ok := s.byName[name]
	if !ok {
		return SourceState{}, false
	}
	return s.Sources[i], true
}

// Series returns the named series (key from SeriesState.Key), nil if unknown.
func (s *Snapshot) Series(key string) *SeriesView {
	i, ok := s.keys[key]
	if !ok {
		return nil
	}
	return s.views[i]
}

// SourceState is a source as of a snapshot.
type SourceState struct {
	Info
	Status      sources.Status // the last poll's verdict
	Stale       bool           // no success for 2× the interval
	Value       *float64
	Error       string
	Detail      string
	Planned     string // the planned state the last result is in (sources.Result.Planned); shown muted
	Facts       map[string]any
	LastPoll    time.Time
	LastSuccess time.Time
	Polls       int
	Series      []SeriesState // the main series first
}

// Effective is the status to act on: Unknown while stale, except that a crit stays crit (a
// source last seen down is not better for having gone quiet).
func (s SourceState) Effective() sources.Status {
	if s.Stale && s.Status != sources.Crit {
		return sources.Unknown
	}
	return s.Status
}

// SeriesState is one series of a source.
type SeriesState struct {
	Key    string // unique on the board: source name, plus "/" + series name when named
	Name   string // "" for the main series
	Unit   string
	Status sources.Status
	Value  *float64
}

// source is the live state of one source.
type source struct {
	info        Info
	status      sources.Status
	stale       bool
	value       *float64
	err, detail string
	planned     string
	facts       map[string]any
	lastPoll    time.Time
	lastSuccess time.Time
	polls       int
	series      []*series // the main series first, then in first-seen order
	tooMany     bool      // the series limit was hit and logged

	state SourceState // as of the last snapshot; rebuilt when dirty
	dirty bool
}

// snapshotState returns the source's state for a snapshot, rebuilt only after a change.
func (src *source) snapshotState() SourceState {
	if !src.dirty {
		return src.state
	}
	st := SourceState{
		Info:        src.info,
		Status:      src.status,
		Stale:       src.stale,
		Value:       src.value,
		Error:       src.err,
		Detail:      src.detail,
		Planned:     src.planned,
		Facts:       src.facts,
		LastPoll:    src.lastPoll,
		LastSuccess: src.lastSuccess,
		Polls:       src.polls,
		Series:      make([]SeriesState, len(src.series)),
	}
	for i, se := range src.series {
		st.Series[i] = SeriesState{Key: se.key, Name: se.name, Unit: se.unit, Status: se.status, Value: se.value}
	}
	src.state, src.dirty = st, false
	return st
}

// build makes the snapshot of the current version. Unchanged sources and series are reused
// from the last build; no point is copied. The caller holds b.mu.
func (b *Board) build() *Snapshot {
	s := &Snapshot{
		Version: b.version.Load(),
		At:      b.at,
		Sources: make([]SourceState, len(b.srcs)),
		Events:  b.events[:len(b.events):len(b.events)],
		Status:  sources.OK,
		byName:  b.byName,
		keys:    b.keys,
		views:   make([]*SeriesView, len(b.all)),
	}
	for i, src := range b.srcs {
		s.Sources[i] = src.snapshotState()
		s.Status = sources.Worst(s.Status, s.Sources[i].Effective())
	}
	for i, se := range b.all {
		s.views[i] = se.capture(&b.lim)
	}
	return s
}
