package board

import (
	"math"
	"sort"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// SeriesView is an immutable view of one series' points: the newest at full resolution and
// the older ones folded into coarse buckets. It shares its memory with the live series and
// with other snapshots, so making one costs no copying of points. A nil view has no points.
type SeriesView struct {
	fine   [][]pt      // full fine chunks, oldest first
	tail   []pt        // the newest fine points
	coarse [][]cbucket // full coarse chunks, oldest first
	ctail  []cbucket   // newer finished coarse buckets
	open   cbucket     // the newest coarse bucket; n == 0 when there is none
}

// Bucket is the aggregate of the points in one slice of time. N == 0 is a gap.
type Bucket struct {
	Min, Max, Avg float64
	N             int
}

// add merges points into the bucket; Avg holds the sum until Buckets divides it.
func (b *Bucket) add(lo, hi, sum float64, n int) {
	if b.N == 0 || lo < b.Min {
		b.Min = lo
	}
	if b.N == 0 || hi > b.Max {
		b.Max = hi
	}
	b.Avg += sum
	b.N += n
}

// nanos converts a bound for the view's range queries; the zero time means no bound.
func nanos(t time.Time, zero int64) int64 {
	if t.IsZero() {
		return zero
	}
	return t.UnixNano()
}

// chunkAt returns fine chunk i, where i == len(v.fine) is the tail.
func (v *SeriesView) chunkAt(i int) []pt {
	if i == len(v.fine) {
		return v.tail
	}
	return v.fine[i]
}

// fineStart returns the chunk and index of the first fine point at or after from.
func (v *SeriesView) fineStart(from int64) (ci, j int) {
	ci = sort.Search(len(v.fine)+1, func(i int) bool {
		c := v.chunkAt(i)
		return len(c) == 0 || c[len(c)-1].t >= from // an empty tail sorts last
	})
	if ci <= len(v.fine) {
		c := v.chunkAt(ci)
		j = sort.Search(len(c), func(k int) bool { return c[k].t >= from })
	}
	return ci, j
}

// eachFine calls fn for every non-null fine point with from <= time < to, in order.
func (v *SeriesView) eachFine(from, to int64, fn func(pt)) {
	for ci, j := v.fineStart(from); ci <= len(v.fine); ci, j = ci+1, 0 {
		for _, p := range v.chunkAt(ci)[j:] {
			if p.t >= to {
				return
			}
			if !p.null() {
				fn(p)
			}
		}
	}
}

// eachCoarse calls fn for every coarse bucket starting in [from, to), in order.
func (v *SeriesView) eachCoarse(from, to int64, fn func(cbucket)) {
	scan := func(c []cbucket) bool {
		j := sort.Search(len(c), func(k int) bool { return c[k].start >= from })
		for ; j < len(c); j++ {
			if c[j].start >= to {
				return false
			}
			fn(c[j])
		}
		return true
	}
	ci := sort.Search(len(v.coarse), func(i int) bool {
		c := v.coarse[i]
		return c[len(c)-1].start >= from
	})
	for ; ci < len(v.coarse); ci++ {
		if !scan(v.coarse[ci]) {
			return
		}
	}
	if !scan(v.ctail) {
		return
	}
	if v.open.n > 0 {
		scan([]cbucket{v.open})
	}
}

// Buckets aggregates the series into n columns of width step, the last one ending at end:
// column i covers [end-(n-i)*step, end-(n-i-1)*step). Fine points go to the column holding
// their time; a coarse bucket goes whole to the column holding its start, so a coarse bucket
// that straddles two columns is drawn in the first. Null points count nowhere (a column with
// N == 0 is a gap). Callers align end to a multiple of step so that columns only shift when a
// whole step has passed.
func (v *SeriesView) Buckets(end time.Time, step time.Duration, n int) []Bucket {
	if n <= 0 {
		return nil
	}
	out := make([]Bucket, n)
	if v == nil || step <= 0 {
		return out
	}
	st := int64(step)
	e := end.UnixNano()
	begin := e - int64(n)*st
	v.eachCoarse(begin, e, func(c cbucket) {
		out[(c.start-begin)/st].add(c.min, c.max, c.sum, int(c.n))
	})
	col, colEnd := -1, begin // points come in time order: walk the columns, no division
	for ci, j := v.fineStart(begin); ci <= len(v.fine); ci, j = ci+1, 0 {
		for _, p := range v.chunkAt(ci)[j:] {
			if p.t >= e {
				ci = len(v.fine) // done
				break
			}
			for p.t >= colEnd {
				col, colEnd = col+1, colEnd+st
			}
			if !p.null() {
				out[col].add(p.v, p.v, p.v, 1)
			}
		}
	}
	for i := range out {
		if out[i].N > 0 {
			out[i].Avg /= float64(out[i].N)
		}
	}
	return out
}

// Last returns the newest non-null point. When every full-resolution point is null, it is the
// newest coarse bucket's average, timed at the bucket's start.
func (v *SeriesView) Last() (sources.Point, bool) {
	if v == nil {
		return sources.Point{}, false
	}
	for _, c := range append([][]pt{v.tail}, reversed(v.fine)...) {
		for j := len(c) - 1; j >= 0; j-- {
			if !c[j].null() {
				return sources.Point{Time: time.Unix(0, c[j].t), Value: c[j].v}, true
			}
		}
	}
	last, ok := v.open, v.open.n > 0
	if !ok && len(v.ctail) > 0 {
		last, ok = v.ctail[len(v.ctail)-1], true
	}
	if !ok && len(v.coarse) > 0 {
		c := v.coarse[len(v.coarse)-1]
		last, ok = c[len(c)-1], true
	}
	if !ok {
		return sources.Point{}, false
	}
	return sources.Point{Time: time.Unix(0, last.start), Value: last.sum / float64(last.n)}, true
}

func reversed(cs [][]pt) [][]pt {
	out := make([][]pt, len(cs))
	for i, c := range cs {
		out[len(cs)-1-i] = c
	}
	return out
}

// Quantiles returns the median and 95th percentile of the non-null points in [from, to), and
// how many there were. A zero from or to leaves that side open. Where full-resolution points
// are gone, each coarse bucket starting in the range counts as its count of points, all at
// the bucket's average. The quantiles are nearest-rank: the value at rank ⌈q·n⌉ in sorted
// order (the lower middle for an even n), so they are always a value that was seen (or a
// bucket's average).
func (v *SeriesView) Quantiles(from, to time.Time) (median, p95 float64, n int) {
	if v == nil {
		return 0, 0, 0
	}
	lo, hi := nanos(from, math.MinInt64), nanos(to, math.MaxInt64)
	vals := make([]weighted, 0, v.finePos(hi)-v.finePos(lo))
	var total int64
	v.eachCoarse(lo, hi, func(c cbucket) {
		vals = append(vals, weighted{c.sum / float64(c.n), c.n})
		total += c.n
	})
	v.eachFine(lo, hi, func(p pt) {
		vals = append(vals, weighted{p.v, 1})
		total++
	})
	if total == 0 {
		return 0, 0, 0
	}
	rank := func(q float64) int64 { return max(1, int64(math.Ceil(q*float64(total)))) }
	return selectRank(vals, rank(0.5)), selectRank(vals, rank(0.95)), int(total)
}

// finePos returns how many fine points are older than t.
func (v *SeriesView) finePos(t int64) int {
	ci, j := v.fineStart(t)
	for i := range min(ci, len(v.fine)) {
		j += len(v.fine[i])
	}
	if ci > len(v.fine) {
		j += len(v.tail)
	}
	return j
}

// weighted is a value that counts w times.
type weighted struct {
	v float64
	w int64
}

// selectRank returns the value at 1-based rank r of the weighted values (quickselect with a
// three-way partition; it reorders vals). r must be within the total weight.
func selectRank(vals []weighted, r int64) float64 {
	for len(vals) > 1 {
		a, b, c := vals[0].v, vals[len(vals)/2].v, vals[len(vals)-1].v
		pivot := max(min(a, b), min(max(a, b), c)) // median of three
		lt, i, gt := 0, 0, len(vals)
		var wLess, wEq int64
		for i < gt {
			switch x := vals[i]; {
			case x.v < pivot:
				vals[lt], vals[i] = vals[i], vals[lt]
				wLess += x.w
				lt++
				i++
			case x.v > pivot:
				gt--
				vals[gt], vals[i] = vals[i], vals[gt]
			default:
				wEq += x.w
				i++
			}
		}
		switch {
		case r <= wLess:
			vals = vals[:lt]
		case r <= wLess+wEq:
			return pivot
		default:
			r -= wLess + wEq
			vals = vals[gt:]
		}
	}
	return vals[0].v
}
