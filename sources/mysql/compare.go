package mysql

import (
	"context"
	"fmt"
	"time"
)

// comparison is the node's GTID state held against its primary's.
type comparison struct {
	done    bool      // the primary was read and the GTIDs compared
	found   []finding // what the node has and the primary lacks
	covered bool      // the node has applied everything the primary has
	frozen  bool      // the primary is read-only
	note    string    // why no comparison was made
}

// The expectations.
const (
	expectWritable = "writable"
	expectReadOnly = "read_only"
)

// mustNotWrite reports whether the node may not originate transactions: it is expected
// read-only, or (with no expectation) it replicates or is read-only.
func mustNotWrite(expect string, o *observation) bool {
	switch expect {
	case expectWritable:
		return false
	case expectReadOnly:
		return true
	}
	return o.replicating() || o.readOnly()
}

// compare reads the primary (after the node) and compares GTIDs with it.
func (s *Source) compare(ctx context.Context, o *observation) comparison {
	s.observePrimary(ctx, o)
	if o.primary == nil {
		return comparison{note: "primary " + s.primary.name + " not checked: " + o.primErr}
	}
	var c comparison
	if o.info.Dialect == dialectMariaDB {
		c = s.compareMaria(o)
	} else {
		c = s.compareMySQL(ctx, o)
	}
	if ro := o.primary.flag("read_only"); ro != nil {
		c.frozen = *ro
	}
	return c
}

// compareMaria finds the (domain, server_id) pairs the node's binlog state has beyond the
// primary's, and whether the node's applied position has reached the primary's.
func (s *Source) compareMaria(o *observation) comparison {
	mine, err1 := parseMariaGTIDs(o.vars.str("gtid_binlog_state"))
	slave, err2 := parseMariaGTIDs(o.vars.str("gtid_slave_pos"))
	theirs, err3 := parseMariaGTIDs(o.primary.str("gtid_binlog_state"))
	pos, err4 := parseMariaGTIDs(o.primary.str("gtid_binlog_pos"))
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			return comparison{note: "GTIDs not compared: " + err.Error()}
		}
	}
	var only *uint32
	if len(o.channels) > 1 { // other sources' GTIDs are not the primary's business
		if id := o.vars.num("server_id"); id != nil {
			own := uint32(*id)
			only = &own
		}
	}
	c := comparison{done: true, found: mariaFindings(mariaNotIn(mine, theirs, only))}
	c.covered = mariaCovers(slave, pos)
	if b := o.vars.flag("log_bin"); b != nil && !*b {
		c.note = "log_bin is off here: writes on this node leave no GTID to find"
	}
	return c
}

// compareMySQL asks the server for GTID_SUBTRACT(node, primary) and GTID_SUBSET(primary,
// node); the node's set was read first.
func (s *Source) compareMySQL(ctx context.Context, o *observation) comparison {
	if !gtidMode(o.info, o.vars) || !gtidMode(o.info, o.primary) {
		return comparison{note: "gtid_mode is not ON on both nodes: GTIDs not compared"}
	}
	mine := o.vars.str("gtid_executed")
	theirs := o.primary.str("gtid_executed")
	errant, covered := "", true
	if mine != theirs {
		rows, err := queryRows(ctx, s.node.db,
			"SELECT GTID_SUBTRACT(?, ?) AS errant, GTID_SUBSET(?, ?) AS covered", mine, theirs, theirs, mine)
		if err != nil || len(rows) == 0 {
			return comparison{note: s.node.describe(ctx, "compare GTIDs on", orNoRows(err)).Error()}
		}
		errant = rows[0].str("errant")
		covered = rows[0].str("covered") == "1"
	}
	own := ""
	if len(o.channels) > 1 {
		own = o.vars.str("server_uuid")
	}
	found, err := mysqlFindings(errant, own)
	if err != nil {
		return comparison{note: "GTIDs not compared: " + err.Error()}
	}
	return comparison{done: true, found: found, covered: covered}
}

// mariaLocalCheck finds, on a MariaDB replica, the domains where gtid_current_pos runs ahead
// of gtid_slave_pos: transactions it originated after the last one it replicated. The
// condition lasts until replication overtakes them or they are dealt with, so it is a
// comparison, not a latch. ok is false when the check does not apply.
func mariaLocalCheck(o *observation) (comparison, bool) {
	if o.info.Dialect != dialectMariaDB || len(o.channels) == 0 {
		return comparison{}, false
	}
	cur, err1 := parseMariaGTIDs(o.vars.str("gtid_current_pos"))
	slave, err2 := parseMariaGTIDs(o.vars.str("gtid_slave_pos"))
	if err1 != nil || err2 != nil {
		return comparison{}, false
	}
	return comparison{done: true, found: mariaFindings(mariaLocal(cur, slave))}, true
}

// watchAlone finds writes a node originated by watching it on its own since warroom first
// saw it in a must-not-write state: its GTID set or binary log moving (on a replica, its own
// server UUID's GTIDs). What it finds stays until the operator acts (see strayState).
func (s *Source) watchAlone(ctx context.Context, o *observation) ([]finding, string) {
	v := o.vars
	switch {
	case o.info.Dialect == dialectMariaDB:
		if b := v.flag("log_bin"); b != nil && !*b {
			return nil, "log_bin is off: stray writes cannot be seen"
		}
		state := v.str("gtid_binlog_state")
		if s.stray.setBaseline("gtid", state) {
			return nil, ""
		}
		now, err1 := parseMariaGTIDs(state)
		base, err2 := parseMariaGTIDs(s.stray.baseline)
		if err1 != nil || err2 != nil {
			return nil, "GTIDs not read"
		}
		return mariaFindings(mariaNotIn(now, base, nil)), ""
	case gtidMode(o.info, v):
		return s.watchMySQLGTIDs(ctx, o)
	case len(o.channels) > 0:
		return nil, "no GTIDs: stray writes on a replica cannot be told from replication"
	}
	return s.watchBinlog(ctx)
}

// watchMySQLGTIDs finds GTIDs added since the baseline (on a replica: its own UUID's only).
func (s *Source) watchMySQLGTIDs(ctx context.Context, o *observation) ([]finding, string) {
	set := o.vars.str("gtid_executed")
	if s.stray.setBaseline("gtid", set) || set == s.stray.baseline {
		return nil, ""
	}
	rows, err := queryRows(ctx, s.node.db, "SELECT GTID_SUBTRACT(?, ?) AS added", set, s.stray.baseline)
	if err != nil || len(rows) == 0 {
		return nil, s.node.describe(ctx, "compare GTIDs on", orNoRows(err)).Error()
	}
	own := ""
	if len(o.channels) > 0 {
		own = o.vars.str("server_uuid")
	}
	found, err := mysqlFindings(rows[0].str("added"), own)
	if err != nil {
		return nil, err.Error()
	}
	return found, ""
}

// watchBinlog finds the binary log position moving since the baseline.
func (s *Source) watchBinlog(ctx context.Context) ([]finding, string) {
	rows, err := queryRows(ctx, s.node.db, s.node.info.binlogQuery())
	if err != nil {
		return nil, s.node.describe(ctx, "read the binary log position of", err).Error()
	}
	if len(rows) == 0 {
		return nil, "binary log off: stray writes cannot be seen"
	}
	pos := rows[0].str("File") + ":" + rows[0].str("Position")
	if s.stray.setBaseline("binlog", pos) || pos == s.stray.baseline {
		return nil, ""
	}
	return []finding{{Key: "binlog", Text: fmt.Sprintf("binlog %s → %s", s.stray.baseline, pos)}}, ""
}

// scanStray updates the stray-write memory from this poll and returns the events to log.
func (s *Source) scanStray(ctx context.Context, o *observation, expect string, cmp comparison, now time.Time) ([]string, string) {
	s.stray.noteExpect(expect)
	if !mustNotWrite(expect, o) || o.aurora != nil { // Aurora readers cannot write at all
		s.stray.reset()
		return nil, ""
	}
	journalNote := s.journaled(ctx, o, expect)
	var fresh []finding
	note := joinNotes(cmp.note, journalNote)
	if !cmp.done {
		if local, ok := mariaLocalCheck(o); ok {
			cmp = local
		}
	}
	if cmp.done {
		fresh = s.stray.authoritative(cmp.found, now)
	} else {
		found, n := s.watchAlone(ctx, o)
		fresh = s.stray.latch(found, now)
		if n != "" {
			note = joinNotes(n, journalNote)
		}
	}
	where := "on a read-only node"
	switch {
	case expect == expectReadOnly:
		where = "on a node expected read-only"
	case o.replicating():
		where = "on a replica"
	}
	events := make([]string, 0, len(fresh))
	for _, f := range fresh {
		events = append(events, "stray write "+f.Text+" "+where)
	}
	return events, note
}
