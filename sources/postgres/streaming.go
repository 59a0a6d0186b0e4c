package postgres

import (
	"context"
	"errors"
)

var errNoRow = errors.New("no row returned")

// standby is one row of pg_stat_replication: a standby (or a logical subscriber's walsender)
// as its primary sees it.
type standby struct {
	Name        string
	Addr        string
	State       string
	SyncState   string
	Logical     bool
	WriteLagS   *float64
	FlushLagS   *float64
	ReplayLagS  *float64
	LagBytes    *float64
	ReplayedLSN string
}

const standbysQuery = `SELECT r.application_name, r.client_addr::text AS client_addr, r.state, r.sync_state,
 extract(epoch FROM r.write_lag) AS write_lag_s, extract(epoch FROM r.flush_lag) AS flush_lag_s,
 extract(epoch FROM r.replay_lag) AS replay_lag_s,
 pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn) AS lag_bytes, r.replay_lsn::text AS replay_lsn,
 (SELECT s.slot_type FROM pg_replication_slots s WHERE s.active_pid = r.pid) AS slot_type
FROM pg_stat_replication r ORDER BY r.application_name, r.pid`

func parseStandby(r row) standby {
	return standby{
		Name: clip(r.str("application_name"), 64), Addr: clip(r.str("client_addr"), 64),
		State: clip(r.str("state"), 32), SyncState: clip(r.str("sync_state"), 32),
		Logical: r.str("slot_type") == "logical", WriteLagS: r.num("write_lag_s"), FlushLagS: r.num("flush_lag_s"),
		ReplayLagS: r.num("replay_lag_s"), LagBytes: r.num("lag_bytes"), ReplayedLSN: r.str("replay_lsn"),
	}
}

// fact is the standby as check --json shows it.
func (s standby) fact() map[string]any {
	kind := replStreaming
	if s.Logical {
		kind = replLogical
	}
	return map[string]any{"name": s.Name, "client_addr": s.Addr, "state": s.State, "sync_state": s.SyncState,
		"kind": kind, "write_lag_s": fnum(s.WriteLagS), "flush_lag_s": fnum(s.FlushLagS),
		"replay_lag_s": fnum(s.ReplayLagS), "lag_bytes": fnum(s.LagBytes)}
}

// fnum is a fact value: the number, or nil when unknown.
func fnum(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// receiving reports whether a standby's WAL receiver is streaming from its primary. Without
// pg_monitor the receiver's status is hidden; having received WAL at all then stands in for it.
func (o *observation) receiving() bool {
	if st := o.vars.str("receiver_status"); st != "" {
		return st == "streaming"
	}
	return o.vars["receive_lsn"] != nil
}

// upstream is the node replica_of names, read after the node: its WAL position and
// read-only state, and for a publisher the slots of the node's subscriptions.
type upstream struct {
	lsn      uint64
	lsnOK    bool
	readOnly bool
	slots    map[string]pubSlot
	seqs     map[string]*float64
}

const upstreamQuery = `SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END AS lsn,
 pg_is_in_recovery() OR current_setting('default_transaction_read_only')::bool AS read_only`

// observeUpstream reads the primary of a standby or the publisher of a subscriber.
func (s *Source) observeUpstream(ctx context.Context, o *observation) {
	p := s.primary
	repl := o.replication()
	if p == nil || (repl != replStreaming && repl != replLogical) {
		return
	}
	if err := p.connect(ctx); err != nil {
		o.upErr = err.Error()
		return
	}
	rows, err := p.query(ctx, "read the WAL position of", upstreamQuery)
	if err != nil || len(rows) == 0 {
		if err == nil {
			err = p.describe(ctx, "read the WAL position of", errNoRow)
		}
		o.upErr = err.Error()
		return
	}
	u := &upstream{readOnly: rows[0].is("read_only")}
	u.lsn, u.lsnOK = parseLSN(rows[0].str("lsn"))
	if repl == replLogical {
		if err := s.readPublisher(ctx, o, u); err != nil {
			o.upErr = err.Error()
			return
		}
	}
	o.upstream = u
}
