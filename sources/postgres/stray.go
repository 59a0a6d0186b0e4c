package postgres

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// writeMark is where a must-not-write node's writes stand: the rows inserted, updated and
// deleted in each user table of the DSN's database (pg_stat_user_tables), and, to say what
// else moved, the next transaction id, the WAL position and the database's commit count.
//
// The tuple counters are the trigger because nothing but a write moves them: checkpoints,
// WAL switches, autovacuum and ANALYZE move the WAL position and the transaction id (ANALYZE
// writes pg_statistic), and every query — warroom's own polls too — counts as a commit. The
// tables are read before the transaction id, so a row counted here belongs to a transaction
// that completed before the id was read: rows that moved while the id stayed where it was
// at the starting point were written before it.
type writeMark struct {
	tables  map[string][3]int64 // schema.table → ins, upd, del
	nextXID int64
	lsn     uint64
	commits int64
}

const (
	writesTablesQuery = `SELECT schemaname || '.' || relname AS t, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_del AS del
FROM pg_stat_user_tables WHERE schemaname !~ '^pg_(toast_)?temp'`
	writesPosQuery = `SELECT txid_snapshot_xmax(txid_current_snapshot()) AS next_xid, pg_current_wal_lsn() AS lsn,
 (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()) AS commits`
)

// readWrites reads the node's writeMark.
func readWrites(ctx context.Context, n *node) (*writeMark, error) {
	rows, err := n.query(ctx, "read pg_stat_user_tables of", writesTablesQuery)
	if err != nil {
		return nil, err
	}
	m := &writeMark{tables: make(map[string][3]int64, len(rows))}
	for _, r := range rows {
		m.tables[r.str("t")] = [3]int64{r.int64Of("ins"), r.int64Of("upd"), r.int64Of("del")}
	}
	if rows, err = n.query(ctx, "read the WAL position of", writesPosQuery); err != nil {
		return nil, err
	}
	if len(rows) > 0 {
		m.nextXID, m.commits = rows[0].int64Of("next_xid"), rows[0].int64Of("commits")
		m.lsn, _ = parseLSN(rows[0].str("lsn"))
	}
	return m, nil
}

// moved lists the tables whose rows moved since base, most rows first ("orders +3 rows").
// A counter that went back (pg_stat_reset, a table dropped and made again) is not a write:
// base takes the new value.
func (m *writeMark) moved(base *writeMark) (rows int64, tables []string) {
	type t struct {
		name string
		n    int64
	}
	var ts []t
	for name, cur := range m.tables {
		old, seen := base.tables[name]
		var n int64
		for i := range cur {
			if cur[i] < old[i] {
				base.tables[name] = cur
				n = 0
				break
			}
			n += cur[i] - old[i]
		}
		if !seen {
			base.tables[name] = [3]int64{}
		}
		if n > 0 {
			ts = append(ts, t{name, n})
			rows += n
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].n > ts[j].n || ts[i].n == ts[j].n && ts[i].name < ts[j].name })
	for _, x := range ts {
		tables = append(tables, fmt.Sprintf("%s +%d %s", shortName(x.name), x.n, plural(x.n, "row")))
	}
	return rows, tables
}

func plural(n int64, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// strayState remembers a stray write across polls: it stays on the board until the operator
// changes the node's expectation (a checkpoint done or reopened), or a node with no
// expectation is writable again (a primary now). Then a new starting point is taken.
type strayState struct {
	expect string
	base   *writeMark
	quiet  *writeMark // the newest mark before the stray write: what else moved is told from it
	first  time.Time  // when the stray write was first seen; zero when none
	text   string     // what moved: "orders +1 row · xid +1 · WAL +1.2 KiB"
}

// noteExpect resets the state when the operator changed the node's expectation.
func (s *strayState) noteExpect(expect string) {
	if expect != s.expect {
		*s = strayState{expect: expect}
	}
}

// stop forgets the starting point and any stray write (the node may write now).
func (s *strayState) stop() { *s = strayState{expect: s.expect} }

// observe compares a fresh mark with the starting point; it returns the event text when a
// stray write is seen for the first time.
func (s *strayState) observe(m *writeMark, now time.Time) string {
	if m == nil {
		return ""
	}
	if s.base == nil {
		s.base, s.quiet = m, m
		return ""
	}
	rows, tables := m.moved(s.base)
	if rows == 0 {
		s.quiet = m
		return ""
	}
	if !s.active() && m.nextXID == s.base.nextXID {
		// Rows moved, yet no transaction has completed with a new id since the starting point:
		// these are the late statistics of writes committed before it (a backend sends its
		// counters up to a second after a commit, ten when it then idles). Take them in.
		s.base.tables = m.tables
		s.quiet = m
		return ""
	}
	parts := []string{strings.Join(firstN(tables, 3), ", ")}
	if d := m.nextXID - s.quiet.nextXID; d > 0 {
		parts = append(parts, fmt.Sprintf("xid +%d", d))
	}
	if m.lsn > s.quiet.lsn {
		parts = append(parts, "WAL +"+formatBytes(float64(m.lsn-s.quiet.lsn)))
	}
	s.text = clip(strings.Join(parts, " · "), 400)
	if !s.first.IsZero() {
		return ""
	}
	s.first = now
	return "stray write " + s.text + " on a node expected read-only"
}

func firstN(xs []string, n int) []string {
	if len(xs) <= n {
		return xs
	}
	return append(append([]string(nil), xs[:n]...), fmt.Sprintf("%d more tables", len(xs)-n))
}

// active reports whether a stray write is on the board.
func (s *strayState) active() bool { return !s.first.IsZero() }

// mustNotWrite reports whether the node is watched for stray writes: a node that is not a
// standby or a subscriber (the apply worker's writes are its job), expected read-only, or
// read-only with no expectation. A node expected writable is not watched.
func mustNotWrite(expect string, o *observation) bool {
	if o.inRecovery() || len(o.subs) > 0 {
		return false
	}
	return expect == expectReadOnly || expect == "" && o.readOnly()
}
