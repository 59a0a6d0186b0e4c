package widgets

import (
	"math"

	"github.com/warroom-dev/warroom/board"
)

// Glyphs of the chart that are not bars.
const (
	gapCell     = "·"
	cutoverCell = "│"
)

// spark writes the chart: n cells, right-aligned (the line merges runs of one paint).
func (st *Styles) spark(ln *line, r SparkRow, n int) {
	bs, cut := r.Buckets, r.CutoverCol
	if len(bs) > n {
		skip := len(bs) - n
		bs, cut = bs[skip:], cut-skip
	}
	if cut < 0 || cut >= len(bs) {
		cut = -1
	}
	ln.space(n - len(bs))
	lo, hi := avgRange(bs)
	thr := thresholds{warn: r.Warn, crit: r.Crit, below: r.Below}
	for i, b := range bs {
		cell, p := st.bar(b, lo, hi, thr, r.Stale)
		if r.Planned && !r.Stale {
			p = pMuted
		}
		if i == cut {
			cell, p = cutoverCell, pCutover
			if r.Stale {
				p = pStale
			}
		}
		ln.raw(p, cell, 1)
	}
}

// bar is one bucket's cell and paint.
func (st *Styles) bar(b board.Bucket, lo, hi float64, thr thresholds, stale bool) (string, paintID) {
	if b.N == 0 || math.IsNaN(b.Avg) || math.IsInf(b.Avg, 0) {
		if stale {
			return gapCell, pStale
		}
		return gapCell, pMuted
	}
	idx := 0
	if hi > lo {
		idx = int((b.Avg-lo)/(hi-lo)*7 + 0.5)
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

// avgRange is the chart's vertical scale: the min and max of the bucket averages, widened
// around their middle to at least minSpan of their magnitude.
func avgRange(bs []board.Bucket) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, b := range bs {
		if b.N == 0 || math.IsNaN(b.Avg) || math.IsInf(b.Avg, 0) {
			continue
		}
		lo, hi = min(lo, b.Avg), max(hi, b.Avg)
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
