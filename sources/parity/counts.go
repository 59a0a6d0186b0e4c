package parity

import (
	"context"
	"fmt"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// countState is what counts-only parity remembers between polls: since when the counts at
// or below the lower of the two largest keys have differed, so that a known lag explains a
// difference only for as long as it could (the lag and a second), as with a walk's suspects.
type countState struct {
	since time.Time // zero while the counts agree
	gap   int64     // old's rows minus new's, at or below the lower largest key
	wait  bool      // check is counting again after waiting the lag out
}

// countsPoll is countsResult, and for check, when a short known lag could explain a count
// difference, the same after waiting the lag and a second (as a walk does with suspects).
func (s *Source) countsPoll(ctx context.Context, ob, nb bounds, lag float64) sources.Result {
	r := s.countsResult(ob, nb, lag)
	if !s.opt.Complete || s.counts.wait || s.counts.gap == 0 || lag <= 0 || lag > 10 {
		return r
	}
	if err := s.waitOut(ctx, lag); err != nil {
		return failed(err)
	}
	s.counts.wait = true
	defer func() { s.counts.wait = false }()
	return s.Poll(ctx)
}

// countsResult is a poll's result without a checksum walk (across engines, or a PostgreSQL
// without bit_xor): the counts and key bounds, with rows beyond what both sides have pending,
// and a count difference below both maxima that the lag cannot explain crit. equal stays
// null: counts alone never prove the rows are the same.
func (s *Source) countsResult(ob, nb bounds, lag float64) sources.Result {
	oldBelow, newBelow := ob.rows, nb.rows
	switch {
	case ob.max == nil || nb.max == nil:
		oldBelow, newBelow = 0, 0 // every row is beyond what the other side has: pending
	case compareKeys(ob.max, nb.max) > 0:
		oldBelow -= s.pending
	case compareKeys(nb.max, ob.max) > 0:
		newBelow -= s.pending
	}
	c := &s.counts
	c.gap = oldBelow - newBelow
	if c.gap == 0 {
		c.since = time.Time{}
	} else if c.since.IsZero() {
		c.since = s.now()
	}
	explained := c.gap != 0 && lag > 0 && s.now().Sub(c.since).Seconds() <= lag+1
	pending := s.pending
	if explained {
		pending += abs(c.gap)
	}
	r := sources.Result{Status: sources.OK, Unit: "rows", Facts: s.facts(nil)}
	r.Facts["pending_rows"] = pending
	r.Facts["equal"] = nil
	upTo := ""
	if k := lower(ob.max, nb.max); k != nil {
		upTo = " up to key " + keyText(k)
	}
	switch {
	case c.gap != 0 && !explained:
		r.Status = sources.Crit
		r.Value = sources.Float(float64(abs(c.gap)))
		r.Error = fmt.Sprintf("counts differ%s: %s rows on old, %s on new (%s)", upTo, count(oldBelow), count(newBelow), s.methodWhy)
		r.Detail = r.Error
	case pending > 0 && lag < 0:
		r.Status = sources.Warn
		r.Error = fmt.Sprintf("%s rows on one side only, and no lag of %s known to explain them (%s)", count(pending), s.cfg.New, s.methodWhy)
		r.Detail = r.Error
	default:
		r.Value = sources.Float(0)
		r.Detail = fmt.Sprintf("%s · %s rows on old, %s on new%s", s.methodWhy, count(ob.rows), count(nb.rows), bothMax(ob.max, nb.max))
		if pending > 0 {
			r.Detail += fmt.Sprintf(" · %s pending", count(pending))
		}
	}
	return r
}

// bothMax says the largest keys: " · largest key 50000 on both", or each side's.
func bothMax(a, b key) string {
	switch {
	case a == nil && b == nil:
		return ""
	case a != nil && b != nil && compareKeys(a, b) == 0:
		return " · largest key " + keyText(a) + " on both"
	}
	return " · largest key " + keyText(a) + " on old, " + keyText(b) + " on new"
}

// keyText writes a key for the board: 50000, or (6,1000) for a composite one; "none" for nil.
func keyText(k key) string {
	switch {
	case k == nil:
		return "none"
	case len(k) > 1:
		return "(" + k.String() + ")"
	}
	return k.String()
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
