// Package board is warroom's one shared live state: bounded series per source, source status
// and staleness, the event log, and immutable versioned snapshots handed to every viewer.
// Ingest never blocks on a viewer: subscribers are told a new version exists and fetch the
// latest snapshot when they are ready, skipping any they were too slow to see.
package board

import (
	"sync"
	"sync/atomic"
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
	Pin       bool // drawn as a tall chart (config `pin: true`)
}

// Options tune memory and time. Zero values take the defaults.
type Options struct {
	FinePoints      int           // full-resolution points kept per series; default 7200
	CoarseStep      time.Duration // width of an older bucket; default 1m
	CoarseRetention time.Duration // how long coarse buckets are kept; default 48h
	MaxEvents       int           // events kept; default 1000
	MaxSeries       int           // series kept per source, the main one included; default 64
	Now             func() time.Time
}

// The defaults of Options.
const (
	DefaultFinePoints      = 7200
	DefaultCoarseStep      = time.Minute
	DefaultCoarseRetention = 48 * time.Hour
	DefaultMaxEvents       = 1000
	DefaultMaxSeries       = 64
)

func (o Options) normalized() Options {
	if o.FinePoints <= 0 {
		o.FinePoints = DefaultFinePoints
	}
	if o.CoarseStep <= 0 {
		o.CoarseStep = DefaultCoarseStep
	}
	if o.CoarseRetention <= 0 {
		o.CoarseRetention = DefaultCoarseRetention
	}
	if o.MaxEvents <= 0 {
		o.MaxEvents = DefaultMaxEvents
	}
	if o.MaxSeries <= 0 {
		o.MaxSeries = DefaultMaxSeries
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
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
type Board struct {
	mu      sync.Mutex
	opt     Options
	lim     limits
	created time.Time // the reference for staleness until a source first succeeds

	srcs   []*source
	byName map[string]int // source name → index; never changes after New
	all    []*series      // every series in the order it was first seen; index = view slot
	keys   map[string]int // series key → index in all; replaced, never modified, once published

	events []Event // oldest first; views hold events[:n:n], so it only grows by append
	subs   map[*Subscription]struct{}

	version atomic.Uint64
	at      time.Time                // when the current version was published
	cur     atomic.Pointer[Snapshot] // the last snapshot built

	observers atomic.Pointer[[]Observer] // see Observe
}

// New makes a board for the given sources, in display order. A repeated name is ignored.
func New(infos []Info, opt Options) *Board {
	opt = opt.normalized()
	b := &Board{
		opt:    opt,
		lim:    newLimits(opt),
		byName: make(map[string]int, len(infos)),
		keys:   make(map[string]int, len(infos)),
		subs:   make(map[*Subscription]struct{}),
	}
	b.created = opt.Now()
	b.at = b.created
	for _, in := range infos {
		if _, dup := b.byName[in.Name]; dup {
			continue
		}
		src := &source{info: in, dirty: true}
		b.byName[in.Name] = len(b.srcs)
		b.srcs = append(b.srcs, src)
		b.addSeries(src, "")
	}
	b.version.Store(1)
	return b
}

// addSeries adds a series to a source; "" is the main series.
func (b *Board) addSeries(src *source, name string) *series {
	key := src.info.Name
	if name != "" {
		key += "/" + name
	}
	se := &series{key: key, name: name, unit: src.info.Unit}
	src.series = append(src.series, se)
	keys := make(map[string]int, len(b.keys)+1)
	for k, v := range b.keys {
		keys[k] = v
	}
	keys[key] = len(b.all)
	b.keys = keys
	b.all = append(b.all, se)
	return se
}

// AddEvent appends an event and publishes a new version. A zero Time is now.
func (b *Board) AddEvent(e Event) {
	if e.Time.IsZero() {
		e.Time = b.opt.Now()
	}
	for _, o := range b.observed() {
		o.Added(e)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e.Text = clip(e.Text, maxEventText)
	b.appendEvent(e)
	b.publish()
}

// appendEvent keeps the newest MaxEvents events. It never writes where a snapshot can see:
// the window slides forward in one array and moves to a new one when the array is full.
func (b *Board) appendEvent(e Event) {
	limit := b.opt.MaxEvents
	if len(b.events) < limit {
		b.events = append(b.events, e)
		return
	}
	keep := b.events[len(b.events)-limit+1:]
	if cap(b.events) == len(b.events) {
		keep = append(make([]Event, 0, 2*limit), keep...)
	}
	b.events = append(keep, e)
}

// Touch publishes a new version without changing source data (the runsheet changed).
func (b *Board) Touch() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.publish()
}

// Tick re-evaluates staleness at now and publishes a new version if any source changed.
func (b *Board) Tick(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	changed := false
	for _, src := range b.srcs {
		if b.checkStale(src, now) {
			changed = true
		}
	}
	if changed {
		b.publish()
	}
}

// publish makes a new version current and rings every subscriber's bell without waiting.
// The snapshot itself is built on the first Snapshot call that wants it, so a burst of
// ingests between two frames costs one build. The caller holds b.mu.
func (b *Board) publish() {
	b.at = b.opt.Now()
	b.version.Add(1)
	for s := range b.subs {
		select {
		case s.ch <- struct{}{}:
		default:
		}
	}
}

// Snapshot returns the latest immutable snapshot.
func (b *Board) Snapshot() *Snapshot {
	if s := b.cur.Load(); s != nil && s.Version == b.version.Load() {
		return s
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if s := b.cur.Load(); s != nil && s.Version == b.version.Load() {
		return s
	}
	s := b.build()
	b.cur.Store(s)
	return s
}

// Subscribe returns a subscription that is signalled (never blocking the board) whenever a
// newer version than the subscriber last fetched exists. It starts signalled, since the
// current version is news to a new subscriber.
func (b *Board) Subscribe() *Subscription {
	s := &Subscription{b: b, ch: make(chan struct{}, 1)}
	s.ch <- struct{}{}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return s
}

// Subscription is one viewer's doorbell.
type Subscription struct {
	b    *Board
	ch   chan struct{}
	once sync.Once
}

// C is signalled (capacity 1, coalescing) when a new version is published. It is closed by
// Close, so a goroutine ranging over it ends.
func (s *Subscription) C() <-chan struct{} { return s.ch }

// Close stops the subscription. It is safe to call more than once.
func (s *Subscription) Close() {
	s.once.Do(func() {
		s.b.mu.Lock()
		defer s.b.mu.Unlock()
		delete(s.b.subs, s)
		close(s.ch)
	})
}
