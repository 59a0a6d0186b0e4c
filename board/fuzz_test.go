package board

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// naive is the reference: every accepted point at full resolution, in a map.
type naive map[int64]float64

// FuzzBuckets ingests points at arbitrary times (out of order, repeated, null) into a small
// series and compares Buckets and Quantiles with a naive aggregation of the same points.
// Input: 4 bytes of setup (fine points, coarse step, column step, columns), then 3 bytes per
// point (time step back or forward, value, null flag).
func FuzzBuckets(f *testing.F) {
	f.Add([]byte{8, 3, 5, 10, 1, 5, 0, 1, 6, 0, 0xff, 7, 1, 2, 9, 0, 3, 200, 0})
	f.Add([]byte{20, 1, 1, 60, 1, 1, 0, 1, 2, 0, 1, 3, 0, 0xfe, 4, 0, 0, 5, 0, 4, 6, 1})
	f.Add([]byte{4, 7, 13, 7, 10, 1, 0, 0xf6, 2, 0, 3, 3, 0, 3, 4, 0, 3, 5, 0, 3, 6, 0})
	f.Fuzz(checkBuckets)
}

func checkBuckets(t *testing.T, data []byte) {
	if len(data) < 4 || len(data) > 4+3*400 {
		return
	}
	step := time.Duration(1+data[1]%20) * time.Second
	b := oneSource(Options{FinePoints: 4 + int(data[0]%60), CoarseStep: step, CoarseRetention: 1000 * time.Hour})
	ref := naive{}
	cursor := 0
	for ops := data[4:]; len(ops) >= 3; ops = ops[3:] {
		cursor += int(int8(ops[0]))
		p := sources.Point{Time: t0.Add(sec(cursor)), Value: float64(int8(ops[1])), Null: ops[2]&1 == 1}
		ref.add(b, p)
		b.Ingest("app", sources.Result{Status: sources.OK, Series: []sources.SeriesResult{{Points: []sources.Point{p}}}}, p.Time)
	}
	v := b.appView()
	colStep := time.Duration(1+data[2]%90) * time.Second
	n := 1 + int(data[3]%100)
	oldest := b.foldedBefore("app")
	for _, end := range []time.Time{t0.Add(sec(cursor + 1)), t0.Add(sec(cursor/2 + 7)), t0.Add(-sec(3))} {
		got, want := v.Buckets(end, colStep, n), ref.buckets(end, colStep, n, oldest, int64(step))
		if !slices.Equal(got, want) {
			t.Fatalf("Buckets(end %v, %v, %d):\n got %+v\nwant %+v", end.Sub(t0), colStep, n, got, want)
		}
		from := end.Add(-time.Duration(n) * colStep)
		gm, gp, gn := v.Quantiles(from, end)
		wm, wp, wn := ref.quantiles(from, end, oldest, int64(step))
		if gm != wm || gp != wp || gn != wn {
			t.Fatalf("Quantiles[%v, %v) = %v %v %d, want %v %v %d", from.Sub(t0), end.Sub(t0), gm, gp, gn, wm, wp, wn)
		}
	}
}

// appView returns the newest snapshot's view of the series "app".
func (b *Board) appView() *SeriesView { return b.Snapshot().Series("app") }

// foldedBefore returns the time before which the series keeps only coarse buckets.
func (b *Board) foldedBefore(key string) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	f := &b.all[b.keys[key]].fine
	if !f.evicted {
		return math.MinInt64
	}
	return f.oldest()
}

// add applies the board's documented rule for one point, naively.
func (r naive) add(b *Board, p sources.Point) {
	t := p.Time.UnixNano()
	if t < b.foldedBefore("app") {
		return // its time is already folded into coarse buckets
	}
	v := p.Value
	if p.Null {
		v = math.NaN()
	}
	old, seen := r[t]
	if !seen || (!math.IsNaN(v) && (math.IsNaN(old) || old != v)) {
		r[t] = v
	}
}

// place returns where a point is drawn: its own time, or its coarse bucket's start once folded.
func place(t, oldest, coarse int64) int64 {
	if t < oldest {
		return floorStep(t, coarse)
	}
	return t
}

func (r naive) buckets(end time.Time, step time.Duration, n int, oldest, coarse int64) []Bucket {
	out := make([]Bucket, n)
	sums := make([]float64, n)
	begin := end.UnixNano() - int64(n)*int64(step)
	for t, v := range r {
		at := place(t, oldest, coarse)
		if math.IsNaN(v) || at < begin || at >= end.UnixNano() {
			continue
		}
		i := (at - begin) / int64(step)
		c := &out[i]
		if c.N == 0 {
			c.Min, c.Max = v, v
		}
		c.Min, c.Max = min(c.Min, v), max(c.Max, v)
		c.N++
		sums[i] += v
	}
	for i := range out {
		if out[i].N > 0 {
			out[i].Avg = sums[i] / float64(out[i].N)
		}
	}
	return out
}

func (r naive) quantiles(from, to time.Time, oldest, coarse int64) (float64, float64, int) {
	var vals []float64
	folded := map[int64][]float64{}
	for t, v := range r {
		at := place(t, oldest, coarse)
		if math.IsNaN(v) || at < from.UnixNano() || at >= to.UnixNano() {
			continue
		}
		if at != t || t < oldest {
			folded[at] = append(folded[at], v)
			continue
		}
		vals = append(vals, v)
	}
	for _, vs := range folded { // each folded point counts at its bucket's average
		sum := 0.0
		for _, v := range vs {
			sum += v
		}
		for range vs {
			vals = append(vals, sum/float64(len(vs)))
		}
	}
	if len(vals) == 0 {
		return 0, 0, 0
	}
	slices.Sort(vals)
	rank := func(q float64) float64 { return vals[max(1, int(math.Ceil(q*float64(len(vals)))))-1] }
	return rank(0.5), rank(0.95), len(vals)
}
