package postgres

import (
	"context"
)

// observation is what one poll read from the node (and the node replica_of names).
type observation struct {
	info      *serverInfo
	vars      row
	standbys  []standby      // pg_stat_replication of a primary
	slots     []slot         // pg_replication_slots of a primary
	subs      []subscription // the subscriptions of the DSN's database
	aurora    *auroraHost    // this Aurora instance's row, when it is a cluster reader
	hbLag     *float64
	hbErr     string
	upstream  *upstream // the primary or publisher, read after the node
	upErr     string    // why it could not be read
	seqBehind []string
	seqNote   string
	writes    *writeMark // the position a must-not-write node is watched by
}

// varsQuery reads the state every poll needs in one statement. A function that fails on a
// primary or on a standby is behind a CASE on pg_is_in_recovery(). Aurora PostgreSQL has no
// WAL receiver (its readers share the cluster's storage): those columns are NULL there.
func varsQuery(dialect string) string {
	wal := `pg_last_wal_receive_lsn() AS receive_lsn, pg_last_wal_replay_lsn() AS replay_lsn,
 CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END AS replay_paused,
 extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) AS replay_age_s,
 (SELECT status FROM pg_stat_wal_receiver LIMIT 1) AS receiver_status`
	if dialect == dialectAurora {
		wal = "NULL AS receive_lsn, NULL AS replay_lsn, NULL AS replay_paused, NULL AS replay_age_s, NULL AS receiver_status"
	}
	return `SELECT pg_is_in_recovery() AS in_recovery,
 current_setting('default_transaction_read_only') AS default_transaction_read_only,
 current_setting('transaction_read_only') AS transaction_read_only,
 pg_has_role(current_user, 'pg_monitor', 'USAGE') AS pg_monitor,
 CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn() END AS current_lsn, ` + wal + `,
 (SELECT count(*) FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())) AS subscriptions`
}

// inRecovery reports a streaming standby (or an Aurora reader).
func (o *observation) inRecovery() bool { return o.vars.is("in_recovery") }

// readOnly reports whether the node refuses writes: in recovery, or transactions read-only
// by default (default_transaction_read_only, as set for the server, database or role).
func (o *observation) readOnly() bool {
	return o.inRecovery() || o.vars.is("default_transaction_read_only") || o.vars.is("transaction_read_only")
}

// replication is how the node replicates: "streaming", "logical", "aurora" or "".
func (o *observation) replication() string {
	switch {
	case o.aurora != nil:
		return replAurora
	case o.info.Dialect == dialectAurora:
		return ""
	case o.inRecovery():
		return replStreaming
	case len(o.subs) > 0:
		return replLogical
	}
	return ""
}

// The replication methods, as the replication fact names them.
const (
	replStreaming = "streaming"
	replLogical   = "logical"
	replAurora    = "aurora"
)

// observe reads the node: its state, then what its role calls for.
func (s *Source) observe(ctx context.Context, watch func(*observation) bool) (*observation, error) {
	n := s.node
	if err := n.connect(ctx); err != nil {
		return nil, err
	}
	o := &observation{info: n.info}
	rows, err := n.query(ctx, "read the state of", varsQuery(n.info.Dialect))
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, n.describe(ctx, "read the state of", errNoRow)
	}
	o.vars = rows[0]
	steps := []func(context.Context, *observation) error{s.observeAurora, s.observePrimary, s.observeSubscriber}
	for _, step := range steps {
		if err := step(ctx, o); err != nil {
			return nil, err
		}
	}
	if s.hb != nil && o.replication() != "" {
		if lag, err := s.hb.read(ctx, n); err != nil {
			o.hbErr = err.Error()
		} else {
			o.hbLag = &lag
		}
	}
	if watch(o) {
		if o.writes, err = readWrites(ctx, n); err != nil {
			return nil, err
		}
	}
	s.observeUpstream(ctx, o)
	return o, nil
}

// observePrimary reads the standbys and replication slots of a node that is not in
// recovery.
func (s *Source) observePrimary(ctx context.Context, o *observation) error {
	if o.inRecovery() {
		return nil
	}
	n := s.node
	rows, err := n.query(ctx, "read pg_stat_replication of", standbysQuery)
	if err != nil {
		return err
	}
	for _, r := range rows {
		o.standbys = append(o.standbys, parseStandby(r))
	}
	if rows, err = n.query(ctx, "read pg_replication_slots of", slotsQuery); err != nil {
		return err
	}
	for _, r := range rows {
		o.slots = append(o.slots, parseSlot(r))
	}
	return nil
}

// observeSubscriber reads the subscriptions of the DSN's database.
func (s *Source) observeSubscriber(ctx context.Context, o *observation) error {
	if o.vars.int64Of("subscriptions") == 0 {
		return nil
	}
	rows, err := s.node.query(ctx, "read pg_stat_subscription of", subscriptionsQuery(o.info.Num))
	if err != nil {
		return err
	}
	for _, r := range rows {
		o.subs = append(o.subs, parseSubscription(r))
	}
	return nil
}
