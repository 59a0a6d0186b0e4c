package board

import (
	"math"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// limits are the normalized Options every series follows.
type limits struct {
	fine        int   // fine points kept (at least; up to one chunk more)
	chunk       int   // fine points per chunk
	step        int64 // coarse step in nanoseconds
	retention   int64 // coarse retention in nanoseconds
	coarseChunk int   // coarse buckets per chunk
}

func newLimits(o Options) limits {
	return limits{
		fine:        o.FinePoints,
		chunk:       min(256, max(4, o.FinePoints/32)),
		step:        int64(o.CoarseStep),
		retention:   int64(o.CoarseRetention),
		coarseChunk: 128,
	}
}

// series is one live series: its state for the board row and its points.
type series struct {
	key, name string
	unit      string
	status    sources.Status
	value     *float64

	fine   fineStore
	coarse coarseStore
	view   *SeriesView // the view of the current points; nil after a change
}

// toPt converts a source's point; non-finite values are gaps. ok is false for a point
// without a time, which the board cannot place.
func toPt(p sources.Point) (pt, bool) {
	if p.Time.IsZero() {
		return pt{}, false
	}
	v := p.Value
	if p.Null || math.IsNaN(v) || math.IsInf(v, 0) {
		v = math.NaN()
	}
	return pt{t: p.Time.UnixNano(), v: v}, true
}

// pointAt is the point a poll without points records: the value at the poll's time, or a
// gap when the value is unknown.
func pointAt(at time.Time, v *float64) sources.Point {
	if v == nil {
		return sources.Point{Time: at, Null: true}
	}
	return sources.Point{Time: at, Value: *v}
}

// add stores one point and reports whether the series' points changed.
//
// The rule: a point newer than every stored one is appended. An older one goes to its place
// in time order; at a time already stored it replaces the value only when it brings a value
// different from the stored one (a later poll of an overlapping window knows better; a null
// never erases a value). A point older than the oldest full-resolution point is dropped once
// the series has folded points into coarse buckets: that time is already summarized there
// and cannot be deduplicated.
func (s *series) add(sp sources.Point, lim *limits) bool {
	p, ok := toPt(sp)
	if !ok {
		return false
	}
	f := &s.fine
	grew := true
	if f.n == 0 || p.t > f.newest() {
		f.push(p, lim.chunk)
	} else {
		if f.evicted && p.t < f.oldest() {
			return false
		}
		var changed bool
		if changed, grew = f.place(p, lim.chunk); !changed {
			return false
		}
	}
	s.view = nil
	if grew {
		s.evict(lim)
	}
	return true
}

// evict folds the oldest whole chunks into coarse buckets while at least lim.fine points
// would remain, then drops coarse buckets older than the retention.
func (s *series) evict(lim *limits) {
	f := &s.fine
	k, left := 0, f.n
	for k < len(f.sealed) && left-len(f.sealed[k]) >= lim.fine {
		left -= len(f.sealed[k])
		k++
	}
	if k == 0 {
		return
	}
	for _, c := range f.dropHead(k) {
		s.coarse.fold(c, lim.step, lim.coarseChunk)
	}
	s.coarse.expire(f.newest()-lim.retention, lim.step)
}

// capture returns the view of the current points, made once per change.
func (s *series) capture(lim *limits) *SeriesView {
	if s.view == nil {
		v := &SeriesView{}
		v.fine, v.tail = s.fine.capture()
		v.coarse, v.ctail, v.open = s.coarse.capture()
		s.view = v
	}
	return s.view
}
