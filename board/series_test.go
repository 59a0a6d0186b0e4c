package board

import (
	"math"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

func oneSource(opt Options) *Board {
	return New([]Info{{Name: "app", Kind: "demo", Unit: "s", Interval: time.Second}}, opt)
}

// A day of samples keeps the full-resolution points and the coarse buckets bounded, and the
// old part of the chart still shows the folded values.
func TestSeriesMemoryBoundedAfterManyPoints(t *testing.T) {
	b := oneSource(Options{FinePoints: 600, CoarseStep: time.Minute, CoarseRetention: 6 * time.Hour})
	const n = 24 * 3600
	for s := range n {
		b.Ingest("app", ok(float64(s%60)), t0.Add(sec(s)))
	}
	fine, coarse := b.fineLen("app"), b.coarseLen("app")
	chunk := newLimits(b.opt).chunk
	if fine < 600 || fine >= 600+chunk {
		t.Errorf("fine points = %d, want 600 up to %d", fine, 600+chunk)
	}
	if max := 6*60 + 128 + 1; coarse > max || coarse < 6*60 {
		t.Errorf("coarse buckets = %d, want 360 up to %d (6h of 1m plus one chunk)", coarse, max)
	}
	v := b.Snapshot().Series("app")
	end := t0.Add(sec(n))
	// Two hours ago, long folded: each minute column holds its 60 points, 0…59.
	cols := v.Buckets(end.Add(-2*time.Hour), time.Minute, 10)
	for i, c := range cols {
		if c.N != 60 || c.Min != 0 || c.Max != 59 || c.Avg != 29.5 {
			t.Errorf("folded column %d = %+v, want N 60, 0…59, avg 29.5", i, c)
		}
	}
	// Past the retention: nothing.
	for i, c := range v.Buckets(end.Add(-8*time.Hour), time.Minute, 10) {
		if c.N != 0 {
			t.Errorf("column %d beyond retention = %+v, want a gap", i, c)
		}
	}
}

// A Datadog poll returns an overlapping window each time: every point is kept once.
func TestSeriesDedupesOverlappingWindows(t *testing.T) {
	b := oneSource(Options{FinePoints: 1000})
	for poll := range 40 {
		end := poll*10 + 29 // each poll: the last 30 s, 10 s newer than the one before
		b.Ingest("app", window(end-29, end, func(s int) float64 { return float64(s) }), t0.Add(sec(end+1)))
	}
	v := b.Snapshot().Series("app")
	total := 0
	for i, c := range v.Buckets(t0.Add(sec(420)), time.Second, 420) {
		total += c.N
		if c.N != 1 || c.Avg != float64(i) {
			t.Fatalf("second %d = %+v, want one point of value %d", i, c, i)
		}
	}
	if total != 420 {
		t.Errorf("%d points kept, want 420 unique seconds", total)
	}
}

// A later poll that revises a point wins; a null in a later poll never erases a value.
func TestSeriesRevisedPointsAndNulls(t *testing.T) {
	b := oneSource(Options{FinePoints: 100})
	b.Ingest("app", window(0, 9, func(int) float64 { return 1 }), t0.Add(sec(10)))
	r := window(5, 14, func(int) float64 { return 2 }) // revises 5…9
	r.Series[0].Points[0].Null = true                  // but second 5 comes back null
	b.Ingest("app", r, t0.Add(sec(15)))
	cols := b.Snapshot().Series("app").Buckets(t0.Add(sec(15)), time.Second, 15)
	for s, c := range cols {
		want := 2.0
		if s < 6 {
			want = 1
		}
		if c.N != 1 || c.Avg != want {
			t.Errorf("second %d = %+v, want one point of %v", s, c, want)
		}
	}
}

// An unknown value is a gap: no point in the chart, skipped by Last and Quantiles.
func TestSeriesGaps(t *testing.T) {
	b := oneSource(Options{})
	b.Ingest("app", ok(3), t0)
	b.Ingest("app", sources.Result{Status: sources.Unknown, Error: "timeout"}, t0.Add(sec(1)))
	b.Ingest("app", sources.Result{Status: sources.OK, Value: sources.Float(math.NaN())}, t0.Add(sec(2)))
	v := b.Snapshot().Series("app")
	cols := v.Buckets(t0.Add(sec(3)), time.Second, 3)
	if cols[0].N != 1 || cols[1].N != 0 || cols[2].N != 0 {
		t.Errorf("columns = %+v, want a point then two gaps", cols)
	}
	last, ok := v.Last()
	if !ok || last.Value != 3 || !last.Time.Equal(t0) {
		t.Errorf("Last = %+v %v, want 3 at t0", last, ok)
	}
	if med, p95, n := v.Quantiles(t0, t0.Add(sec(3))); n != 1 || med != 3 || p95 != 3 {
		t.Errorf("Quantiles = %v %v %d, want 3 3 1", med, p95, n)
	}
}

// Columns are [start, start+step): a point on a boundary belongs to the later column, a point
// at end is not shown, and min/max/avg are those of the column's points.
func TestBucketsAlignment(t *testing.T) {
	b := oneSource(Options{})
	for _, p := range []struct {
		s int
		v float64
	}{{0, 7}, {9, 1}, {10, 4}, {15, 6}, {29, 2}, {30, 99}} {
		b.Ingest("app", ok(p.v), t0.Add(sec(p.s)))
	}
	cols := b.Snapshot().Series("app").Buckets(t0.Add(sec(30)), 10*time.Second, 3)
	want := []Bucket{{Min: 1, Max: 7, Avg: 4, N: 2}, {Min: 4, Max: 6, Avg: 5, N: 2}, {Min: 2, Max: 2, Avg: 2, N: 1}}
	for i := range want {
		if cols[i] != want[i] {
			t.Errorf("column %d = %+v, want %+v", i, cols[i], want[i])
		}
	}
	if got := b.Snapshot().Series("app").Buckets(t0, 0, 4); len(got) != 4 || got[0].N != 0 {
		t.Errorf("zero step = %+v, want 4 gaps", got)
	}
	var nilView *SeriesView
	if got := nilView.Buckets(t0, time.Second, 2); len(got) != 2 || got[1].N != 0 {
		t.Errorf("unknown series = %+v, want 2 gaps", got)
	}
}

// A coarse bucket that straddles two columns is drawn whole in the column of its start.
func TestBucketsCoarseStraddle(t *testing.T) {
	b := oneSource(Options{FinePoints: 8, CoarseStep: time.Minute})
	for s := 0; s < 600; s += 10 { // 60 points, 6 a minute; the first ~50 are folded
		b.Ingest("app", ok(float64(s/60)), t0.Add(sec(s)))
	}
	// Columns of 90 s: minute 1 (60…119 s) starts in column 0 (0…89 s).
	cols := b.Snapshot().Series("app").Buckets(t0.Add(sec(180)), 90*time.Second, 2)
	if cols[0].N != 12 || cols[0].Min != 0 || cols[0].Max != 1 || cols[1].N != 6 || cols[1].Avg != 2 {
		t.Errorf("columns = %+v, want minutes 0 and 1 in the first (12 points), minute 2 in the second", cols)
	}
}

// Points older than the newest are put in their place while they are at full resolution;
// once their time was folded into coarse buckets they are dropped.
func TestSeriesLatePoints(t *testing.T) {
	b := oneSource(Options{FinePoints: 64, CoarseStep: time.Minute})
	for s := 0; s < 400; s += 2 {
		b.Ingest("app", ok(1), t0.Add(sec(s)))
	}
	for s := 399; s > 0; s -= 2 { // every odd second, newest first
		b.Ingest("app", ok(2), t0.Add(sec(s)))
	}
	v := b.Snapshot().Series("app")
	oldest := b.fineOldest("app") // before this, the time was folded before the late points came
	if !oldest.After(t0) {
		t.Fatalf("nothing was folded; the test needs more points")
	}
	for s, c := range v.Buckets(t0.Add(sec(400)), time.Second, 400) {
		at := t0.Add(sec(s))
		switch {
		case !at.Before(oldest) && s%2 == 0 && (c.N != 1 || c.Avg != 1):
			t.Fatalf("second %d = %+v, want the on-time point", s, c)
		case !at.Before(oldest) && s%2 == 1 && (c.N != 1 || c.Avg != 2):
			t.Fatalf("second %d = %+v, want the late point in its place", s, c)
		}
	}
	// The folded minutes hold only the on-time points (30 a minute): late ones were dropped.
	for m, c := range v.Buckets(t0.Truncate(time.Minute).Add(oldest.Sub(t0).Truncate(time.Minute)), time.Minute, 2) {
		if c.N != 0 && (c.N != 30 || c.Max != 1) {
			t.Errorf("folded minute %d = %+v, want the 30 on-time points only", m, c)
		}
	}
	if fine := b.fineLen("app"); fine > 64+2*newLimits(b.opt).chunk {
		t.Errorf("fine points %d, want at most %d", fine, 64+2*newLimits(b.opt).chunk)
	}
}

func TestQuantiles(t *testing.T) {
	b := oneSource(Options{FinePoints: 40, CoarseStep: 10 * time.Second})
	for s := range 100 { // values 1…100
		b.Ingest("app", ok(float64(s+1)), t0.Add(sec(s)))
	}
	v := b.Snapshot().Series("app")
	med, p95, n := v.Quantiles(t0.Add(sec(60)), t0.Add(sec(100))) // fine: 61…100
	if n != 40 || med != 80 || p95 != 98 {
		t.Errorf("fine range: %v %v %d, want median 80, p95 98 of 40 points", med, p95, n)
	}
	// The first 50 s are folded into 10 s buckets with averages 5.5, 15.5, …, 45.5.
	med, p95, n = v.Quantiles(time.Time{}, t0.Add(sec(50)))
	if n != 50 || med != 25.5 || p95 != 45.5 {
		t.Errorf("coarse range: %v %v %d, want bucket averages 25.5 and 45.5 weighted to 50 points", med, p95, n)
	}
	if _, _, n := v.Quantiles(t0.Add(time.Hour), time.Time{}); n != 0 {
		t.Errorf("empty range counted %d points", n)
	}
}
