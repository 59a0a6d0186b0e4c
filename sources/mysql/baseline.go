package mysql

import (
	"context"
	"fmt"
	"strconv"

	"github.com/warroom-dev/warroom/sources"
)

// UseBaselines makes the source compare a node the runsheet froze (a done checkpoint whose
// `expect:` made it read-only) with the position journaled for that done, rather than with
// what this process first saw: a fresh check and a restarted board then see the stray
// writes the running board sees. While no position is journaled for the done, a poll
// offers its own (and b's owner journals it, when this process may write the journal).
func (s *Source) UseBaselines(b *sources.Baselines) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bases = b
}

// Position reads where the node's writes stand now: its GTID set (MariaDB
// gtid_binlog_state, MySQL gtid_executed) and, when the account may read it, its binary
// log file and position. It waits for a poll in progress and takes at most the timeout.
func (s *Source) Position(ctx context.Context) (sources.Position, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	n := s.node
	if err := n.connect(ctx); err != nil {
		return sources.Position{}, err
	}
	rows, err := queryRows(ctx, n.db, n.info.varsQuery())
	if err != nil || len(rows) == 0 {
		return sources.Position{}, n.describe(ctx, "read variables of", orNoRows(err))
	}
	return s.position(ctx, n.info, rows[0]), nil
}

// position is the node's position from its variables, plus the binary log position.
func (s *Source) position(ctx context.Context, info *serverInfo, vars row) sources.Position {
	var p sources.Position
	if info.Dialect == dialectMariaDB {
		p.GTID = vars.str("gtid_binlog_state")
	} else if gtidMode(info, vars) {
		p.GTID = vars.str("gtid_executed")
	}
	if rows, err := queryRows(ctx, s.node.db, info.binlogQuery()); err == nil && len(rows) > 0 {
		p.BinlogFile = clip(rows[0].str("File"), 255)
		p.BinlogPos, _ = strconv.ParseUint(rows[0].str("Position"), 10, 64)
	}
	return p
}

// journaled starts the stray-write memory of a node expected read-only by a done
// checkpoint from the baseline journaled for that done; a new done (reopened and done
// again: the operator's acknowledgement) starts it afresh, even when both happened between
// two polls. Without a journaled position it readies an offer of this poll's position and
// returns a note saying what cannot be seen. The caller holds s.mu.
func (s *Source) journaled(ctx context.Context, o *observation, expect string) string {
	b := s.bases.Get(s.name)
	if expect != expectReadOnly {
		b = sources.Baseline{}
	}
	if b.Epoch != s.stray.epoch { // a new done, or none any more (reopened): start afresh
		s.stray.reset()
		s.stray.epoch = b.Epoch
	}
	if b.Epoch == 0 {
		return ""
	}
	if b.Position == nil {
		p, at, epoch, bases := s.position(ctx, o.info, o.vars), s.now(), b.Epoch, s.bases
		s.offer = func() { bases.Offer(s.name, epoch, p, at) }
		return fmt.Sprintf("no baseline journaled with %s done: stray writes are seen from this poll on", b.Checkpoint)
	}
	if s.stray.method == "" {
		s.stray.method, s.stray.baseline = baselineFor(o, *b.Position)
	}
	return ""
}

// baselineFor is the stray-write baseline a journaled position gives, by the method
// watchAlone uses for this node ("" when the position lacks what that method needs).
func baselineFor(o *observation, p sources.Position) (method, value string) {
	switch {
	case o.info.Dialect == dialectMariaDB, gtidMode(o.info, o.vars):
		return "gtid", p.GTID
	case len(o.channels) == 0 && p.BinlogFile != "":
		return "binlog", p.BinlogFile + ":" + strconv.FormatUint(p.BinlogPos, 10)
	}
	return "", ""
}

// joinNotes joins the non-empty notes with " · ".
func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " · " + b
}
