package widgets

import (
	"math"

	"github.com/warroom-dev/warroom/board"
)

// Glyphs of the chart that are not bars.
const (
	gapCell     = "·"
	cutoverCell = "┃" // heavier than a whisker (│), so the cutover reads without colour
)

// spark writes the chart: n cells, right-aligned (the line merges runs of one paint). Each
// bar is its column's worst point (the maximum, or the minimum when lower is worse), so a
// spike inside a column is never averaged away; the cutover marker takes a cell of its own
// before the column that holds it, so it never hides that column's bar.
func (st *Styles) spark(ln *line, r SparkRow, n int) {
	bs, cut := r.Buckets, r.CutoverCol
	d := n
	marker := cut >= 0 && cut < len(bs) && cut >= len(bs)-(n-1)
	if marker {
		d = n - 1
	}
	if len(bs) > d {
		skip := len(bs) - d
		bs, cut = bs[skip:], cut-skip
	}
	used := len(bs)
	if marker {
		used++
	}
	ln.space(n - used)
	lo, hi := worstRange(bs, r.Below)
	thr := thresholds{warn: r.Warn, crit: r.Crit, below: r.Below}
	quiet := quietRuns(bs, r.Ahead, r.Quiet)
	for i, b := range bs {
		if marker && i == cut {
			p := pCutover
			if r.Stale {
				p = pStale
			}
			ln.raw(p, cutoverCell, 1)
		}
		if !valid(b) && (i >= len(bs)-r.Ahead || quiet != nil && quiet[i]) {
			ln.space(1) // not over yet, or between two polls: no data yet is not a gap
			continue
		}
		cell, p := st.bar(b, worstOf(b, r.Below), lo, hi, thr, r.Stale)
		if r.Planned && !r.Stale {
			p = pMuted
		}
		ln.raw(p, cell, 1)
	}
}

func worstOf(b board.Bucket, below bool) float64 {
	if below {
		return b.Min
	}
	return b.Max
}

// bar is one bucket's cell (its height v on the scale lo..hi) and paint.
func (st *Styles) bar(b board.Bucket, v, lo, hi float64, thr thresholds, stale bool) (string, paintID) {
	if !valid(b) {
		if stale {
			return gapCell, pStale
		}
		return gapCell, pMuted
	}
	idx := 0
	if hi > lo {
		idx = int((v-lo)/(hi-lo)*7 + 0.5)
		idx = clampInt(idx, 0, 7)
	}
	if stale {
		return st.cells[idx], pStale
	}
	return st.cells[idx], thr.paint(b)
}

// minSpan is the smallest vertical scale, relative to the values' magnitude: a series that
// wobbles by a few percent is drawn as the nearly flat line it is, not as full-height noise.
const minSpan = 0.1

// worstRange is a sparkline's vertical scale: the min and max of the columns' worst points,
// widened around their middle to at least minSpan of their magnitude.
func worstRange(bs []board.Bucket, below bool) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, b := range bs {
		if !valid(b) {
			continue
		}
		v := worstOf(b, below)
		lo, hi = min(lo, v), max(hi, v)
	}
	if span := minSpan * math.Max(math.Abs(lo), math.Abs(hi)); hi > lo && hi-lo < span {
		mid := lo/2 + hi/2
		lo, hi = mid-span/2, mid+span/2
	}
	return lo, hi
}

type thresholds struct {
	warn, crit *float64
	below      bool
}

// paint colours a bucket by its worst point against the thresholds.
func (t thresholds) paint(b board.Bucket) paintID {
	if t.warn == nil && t.crit == nil {
		return pAccent
	}
	if t.below {
		switch {
		case t.crit != nil && b.Min <= *t.crit:
			return pCrit
		case t.warn != nil && b.Min <= *t.warn:
			return pWarn
		}
		return pOK
	}
	switch {
	case t.crit != nil && b.Max >= *t.crit:
		return pCrit
	case t.warn != nil && b.Max >= *t.warn:
		return pWarn
	}
	return pOK
}
