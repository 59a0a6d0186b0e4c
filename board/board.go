// Package board is warroom's one shared live state: bounded series per source, source status
// and staleness, the event log, and immutable versioned snapshots handed to every viewer.
// Ingest never blocks on a viewer: subscribers are told a new version exists and fetch the
// latest snapshot when they are ready, skipping any they were too slow to see.
package board

import (
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// Info describes a source as configured.
type Info struct {
	Name      string
	Kind      string // health, tcp, dns, mysql, datadog, demo
	Group     string // the gate namespace and board section: "metric", "db" or "health"
	Unit      string
	Interval  time.Duration
	Threshold sources.Threshold
}

// Options tune memory and time. Zero values take the defaults.
type Options struct {
	FinePoints      int           // full-resolution points kept per series; default 7200
	CoarseStep      time.Duration // width of an older bucket; default 1m
	CoarseRetention time.Duration // how long coarse buckets are kept; default 48h
	MaxEvents       int           // events kept; default 1000
	Now             func() time.Time
}

// Event is one line of the event log.
type Event struct {
	Time   time.Time
	Status sources.Status // colour and glyph of the line
	Source string         // source name or checkpoint id; "" for the board itself
	Kind   string         // "status", "stale", "source" (from Result.Events), "checkpoint", "watch"
	Text   string         // raw; renderers sanitize
}

// Board is safe for concurrent use.
type Board struct{}

// New makes a board for the given sources, in display order.
func New(infos []Info, opt Options) *Board { panic("TODO") }

// Ingest records one poll's result for a source at time at. Unknown source names are
// ignored. Status changes and Result.Events become events.
func (b *Board) Ingest(source string, r sources.Result, at time.Time) {}

// AddEvent appends an event and publishes a new version.
func (b *Board) AddEvent(e Event) {}

// Touch publishes a new version without changing source data (the runsheet changed).
func (b *Board) Touch() {}

// Tick re-evaluates staleness at now and publishes a new version if any source changed.
func (b *Board) Tick(now time.Time) {}

// Snapshot returns the latest immutable snapshot.
func (b *Board) Snapshot() *Snapshot { panic("TODO") }

// Subscribe returns a subscription that is signalled (never blocking the board) whenever a
// newer version than the subscriber last fetched exists.
func (b *Board) Subscribe() *Subscription { panic("TODO") }

// Subscription is one viewer's doorbell.
type Subscription struct{}

// C is signalled (capacity 1, coalescing) when a new version is published.
func (s *Subscription) C() <-chan struct{} { panic("TODO") }

// Close stops the subscription.
func (s *Subscription) Close() {}

// Snapshot is an immutable view of the board at one version. Never modify what it holds.
type Snapshot struct {
	Version uint64
	At      time.Time
	Sources []SourceState // in display order
	Events  []Event       // oldest first
	Status  sources.Status
}

// Source returns the named source's state.
func (s *Snapshot) Source(name string) (SourceState, bool) { panic("TODO") }

// Series returns the named series (key from SeriesState.Key), nil if unknown.
func (s *Snapshot) Series(key string) *SeriesView { panic("TODO") }

// SourceState is a source as of a snapshot.
type SourceState struct {
	Info
	Status      sources.Status // the last poll's verdict
	Stale       bool           // no success for 2× the interval
	Value       *float64
	Error       string
	Detail      string
	Facts       map[string]any
	LastPoll    time.Time
	LastSuccess time.Time
	Polls       int
	Series      []SeriesState // the main series first
}

// Effective is the status to act on: Unknown while stale.
func (s SourceState) Effective() sources.Status {
	if s.Stale {
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

// SeriesView is an immutable view of one series' points.
type SeriesView struct{}

// Bucket is the aggregate of the points in one slice of time. N == 0 is a gap.
type Bucket struct {
	Min, Max, Avg float64
	N             int
}

// Buckets aggregates the series into n columns of width step, the last one ending at end.
// Callers align end to a multiple of step so that columns only shift when a whole step has
// passed.
func (v *SeriesView) Buckets(end time.Time, step time.Duration, n int) []Bucket { panic("TODO") }

// Last returns the newest non-null point.
func (v *SeriesView) Last() (sources.Point, bool) { panic("TODO") }

// Quantiles returns the median and 95th percentile of the non-null points in [from, to), and
// how many there were.
func (v *SeriesView) Quantiles(from, to time.Time) (median, p95 float64, n int) { panic("TODO") }
