package parity

import (
	"context"
	"database/sql"
	"math/big"
	"strings"
	"time"
)

// leafRows is the size of the key ranges a difference is narrowed to, and then compared row
// by row (key and hash only).
const leafRows = 100

// span is a key range lo < key <= hi (lo nil: from the first row).
type span struct{ lo, hi key }

// diff is one narrowed range that differs: its first and last key (of either side) and what
// differs in it.
type diff struct {
	from, to                key
	missing, extra, changed int
	seen                    time.Time // first seen differing
	lag                     float64   // the new side's lag then (-1: unknown)
}

func (d diff) rows() int { return d.missing + d.extra + d.changed }

// walk is one pass over the key range, spread over polls.
type walk struct {
	cursor   key // the last key checked; nil before the first chunk
	checked  int64
	started  time.Time
	queue    []span // ranges that differ, still to be narrowed
	found    []diff // confirmed differences of this pass
	suspects []diff // differences that the new side's lag may still explain
}

// sides are the two servers' pools for one poll.
type sides struct{ old, new *sql.DB }

// budget counts the work a poll may still do: one unit per range summed on both sides or
// compared row by row. A negative budget is unlimited (check runs the walk to its end).
type budget struct{ left int }

func (b *budget) take() bool {
	if b.left < 0 {
		return true
	}
	if b.left == 0 {
		return false
	}
	b.left--
	return true
}

// step advances the walk as far as the budget and ctx allow, narrowing differences first.
// It reports whether the pass is over (everything up to limit checked and narrowed).
func (s *Source) step(ctx context.Context, db sides, limit key, lag float64, b *budget) (bool, error) {
	w := &s.walk
	for len(w.queue) > 0 && ctx.Err() == nil && b.take() {
		sp := w.queue[0]
		w.queue = w.queue[1:]
		if err := s.narrow(ctx, db, sp, lag); err != nil {
			w.queue = append([]span{sp}, w.queue...)
			return false, err
		}
	}
	for ctx.Err() == nil && len(w.queue) == 0 && (limit != nil && (w.cursor == nil || compareKeys(w.cursor, limit) < 0)) {
		if !b.take() {
			return false, nil
		}
		hi, err := s.table.nth(ctx, db.old, w.cursor, limit, s.chunk)
		if err != nil {
			return false, s.oldErr(ctx, "chunk bound", err)
		}
		if hi == nil {
			hi = limit
		}
		differs, rows, err := s.compare(ctx, db, span{w.cursor, hi})
		if err != nil {
			return false, err
		}
		w.checked += rows
		if differs {
			w.queue = append(w.queue, span{w.cursor, hi})
		}
		w.cursor = hi
		for len(w.queue) > 0 && ctx.Err() == nil && b.take() {
			sp := w.queue[0]
			w.queue = w.queue[1:]
			if err := s.narrow(ctx, db, sp, lag); err != nil {
				w.queue = append([]span{sp}, w.queue...)
				return false, err
			}
		}
	}
	done := len(w.queue) == 0 && (limit == nil || (w.cursor != nil && compareKeys(w.cursor, limit) >= 0))
	return done && ctx.Err() == nil, ctx.Err()
}

// compare sums a range on both sides; it differs when the counts or the hashes do.
func (s *Source) compare(ctx context.Context, db sides, sp span) (bool, int64, error) {
	a, err := s.table.sumOf(ctx, db.old, sp.lo, sp.hi)
	if err != nil {
		return false, 0, s.oldErr(ctx, "checksum", err)
	}
	b, err := s.table.sumOf(ctx, db.new, sp.lo, sp.hi)
	if err != nil {
		return false, 0, s.newErr(ctx, "checksum", err)
	}
	return a != b, a.rows, nil
}

// narrow splits a differing range in two at its middle row until it holds at most leafRows
// rows on either side, then compares that leaf row by row.
func (s *Source) narrow(ctx context.Context, db sides, sp span, lag float64) error {
	a, err := s.table.sumOf(ctx, db.old, sp.lo, sp.hi)
	if err != nil {
		return s.oldErr(ctx, "checksum", err)
	}
	b, err := s.table.sumOf(ctx, db.new, sp.lo, sp.hi)
	if err != nil {
		return s.newErr(ctx, "checksum", err)
	}
	if a == b {
		return nil // it caught up meanwhile
	}
	if max(a.rows, b.rows) <= leafRows {
		d, err := s.leaf(ctx, db, sp)
		if err != nil || d.rows() == 0 {
			return err
		}
		d.seen, d.lag = s.now(), lag
		s.judge(d)
		return nil
	}
	on, n := db.old, a.rows
	if b.rows > a.rows {
		on, n = db.new, b.rows
	}
	mid, err := s.table.nth(ctx, on, sp.lo, sp.hi, int(n/2))
	if err != nil {
		return s.sideErr(ctx, on == db.old, "split", err)
	}
	if mid == nil || (sp.hi != nil && compareKeys(mid, sp.hi) >= 0) {
		d, err := s.leaf(ctx, db, sp) // cannot split further: compare what is there
		if err == nil && d.rows() > 0 {
			d.seen, d.lag = s.now(), lag
			s.judge(d)
		}
		return err
	}
	s.walk.queue = append(s.walk.queue, span{sp.lo, mid}, span{mid, sp.hi})
	return nil
}

// leaf compares a small range row by row: which keys the new side lacks, has in excess, or
// holds with other values.
func (s *Source) leaf(ctx context.Context, db sides, sp span) (diff, error) {
	limit := 4 * leafRows
	oldKeys, oldRows, err := s.table.rowHashes(ctx, db.old, sp.lo, sp.hi, limit)
	if err != nil {
		return diff{}, s.oldErr(ctx, "rows", err)
	}
	newKeys, newRows, err := s.table.rowHashes(ctx, db.new, sp.lo, sp.hi, limit)
	if err != nil {
		return diff{}, s.newErr(ctx, "rows", err)
	}
	var d diff
	for _, k := range oldKeys {
		h, ok := newRows[k.String()]
		switch {
		case !ok:
			d.missing++
		case h != oldRows[k.String()]:
			d.changed++
		default:
			continue
		}
		d.note(k)
	}
	for _, k := range newKeys {
		if _, ok := oldRows[k.String()]; !ok {
			d.extra++
			d.note(k)
		}
	}
	return d, nil
}

// note widens the diff's range to hold k.
func (d *diff) note(k key) {
	if d.from == nil || compareKeys(k, d.from) < 0 {
		d.from = k
	}
	if d.to == nil || compareKeys(k, d.to) > 0 {
		d.to = k
	}
}

// judge files a difference: confirmed when the new side's lag cannot explain it (no lag
// known, or none), else a suspect to look at again once the lag has had time to pass.
func (s *Source) judge(d diff) {
	if d.lag <= 0 {
		s.walk.found = append(s.walk.found, d)
		return
	}
	s.walk.suspects = append(s.walk.suspects, d)
}

// recheck looks at each suspect again: gone, still waiting for the lag, or confirmed — a
// difference older than the new side's lag (plus a second) is not replication catching up.
func (s *Source) recheck(ctx context.Context, db sides, lag float64, b *budget) error {
	var keep []diff
	for i, d := range s.walk.suspects {
		if ctx.Err() != nil || !b.take() {
			keep = append(keep, s.walk.suspects[i:]...)
			break
		}
		now, err := s.leaf(ctx, db, span{before(d.from), d.to})
		if err != nil {
			keep = append(keep, s.walk.suspects[i:]...)
			s.walk.suspects = keep
			return err
		}
		if now.rows() == 0 {
			continue
		}
		now.seen, now.lag = d.seen, lag
		age := s.now().Sub(d.seen).Seconds()
		if lag < 0 || age > lag+1 {
			s.walk.found = append(s.walk.found, now)
			continue
		}
		keep = append(keep, now)
	}
	s.walk.suspects = keep
	return nil
}

// before is a lower bound just under k, for "from k": the range (before(k), to] holds k.
// Keys are compared by the server, so the bound is k itself with the comparison made
// inclusive by stepping back one in the last column when it is a whole number, else by
// starting from the key's previous text.
func before(k key) key {
	out := append(key{}, k...)
	last := out[len(out)-1]
	if n, ok := new(big.Int).SetString(last, 10); ok {
		out[len(out)-1] = n.Sub(n, big.NewInt(1)).String()
		return out
	}
	if last == "" {
		return nil
	}
	out[len(out)-1] = last[:len(last)-1] // a string just below: a prefix sorts first
	return out
}

// compareKeys orders keys as the servers do for numbers (numerically) and, approximately,
// for text (byte order).
func compareKeys(a, b key) int {
	for i := range min(len(a), len(b)) {
		if c := compareValue(a[i], b[i]); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

func compareValue(a, b string) int {
	x, okA := new(big.Float).SetString(a)
	y, okB := new(big.Float).SetString(b)
	if okA && okB {
		return x.Cmp(y)
	}
	return strings.Compare(a, b)
}

// lower is the smaller of two keys, nil when either is nil (an empty side).
func lower(a, b key) key {
	if a == nil || b == nil {
		return nil
	}
	if compareKeys(a, b) <= 0 {
		return a
	}
	return b
}
