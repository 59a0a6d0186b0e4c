package postgres

import (
	"strings"
	"testing"
	"time"
)

func mark(xid int64, lsn uint64, tables map[string][3]int64) *writeMark {
	return &writeMark{tables: tables, nextXID: xid, lsn: lsn}
}

// TestStrayState: rows that move with no new transaction id since the starting point are
// late statistics of earlier writes, not a stray write; a stats reset is not one either;
// rows moving with a new id are, and stay until the expectation changes.
func TestStrayState(t *testing.T) {
	now := time.Date(2026, 11, 22, 2, 39, 55, 0, time.Local)
	var s strayState
	s.noteExpect("read_only")
	if e := s.observe(mark(100, 1000, map[string][3]int64{"public.orders": {10, 2, 0}}), now); e != "" || s.active() {
		t.Fatal("the starting point is not a stray write")
	}
	if e := s.observe(mark(100, 1200, map[string][3]int64{"public.orders": {12, 2, 0}}), now); e != "" || s.active() {
		t.Fatal("late statistics (no new xid) taken for a stray write")
	}
	if e := s.observe(mark(140, 9000, map[string][3]int64{"public.orders": {0, 0, 0}}), now); e != "" || s.active() {
		t.Fatal("a stats reset (with an ANALYZE's xids) taken for a stray write")
	}
	e := s.observe(mark(141, 9400, map[string][3]int64{"public.orders": {1, 0, 0}, "app.items": {0, 3, 1}}), now)
	if e != "stray write app.items +4 rows, orders +1 row · xid +1 · WAL +400 B on a node expected read-only" || !s.active() {
		t.Fatalf("event %q", e)
	}
	if e := s.observe(mark(150, 9800, map[string][3]int64{"public.orders": {1, 0, 0}, "app.items": {0, 3, 1}}), now.Add(time.Minute)); e != "" ||
		!s.active() || !strings.HasPrefix(s.text, "app.items +4 rows") || !s.first.Equal(now) {
		t.Fatalf("the stray write must stay, first seen at %v: %q %v", now, e, s.first)
	}
	s.noteExpect("writable")
	if s.active() || s.base != nil {
		t.Fatal("a changed expectation resets")
	}
}
