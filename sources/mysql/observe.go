package mysql

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// observation is what one poll read from the node (and its primary).
type observation struct {
	info     *serverInfo
	vars     row
	channels []channel
	aurora   *auroraHost // this Aurora instance's row, when it is a cluster reader
	hbLag    *float64
	hbErr    string
	hbAhead  bool   // the heartbeat is from the future: no lag can be read from it
	primary  row    // the primary's GTID variables, read after the node's
	primErr  string // why the primary could not be read
	serverAt time.Time
}

// readOnly reports read_only, super_read_only or innodb_read_only.
func (o *observation) readOnly() bool {
	for _, k := range []string{"read_only", "super_read_only", "innodb_read_only"} {
		if b := o.vars.flag(k); b != nil && *b {
			return true
		}
	}
	return false
}

// replicating reports whether the node replicates from a source (a channel, or an Aurora
// reader of its cluster).
func (o *observation) replicating() bool { return len(o.channels) > 0 || o.aurora != nil }

// gtidMode reports whether the node's GTIDs can be compared (MariaDB always has them;
// MySQL and Aurora need gtid_mode ON).
func gtidMode(info *serverInfo, vars row) bool {
	if info.Dialect == dialectMariaDB {
		return true
	}
	return strings.EqualFold(vars.str("gtid_mode"), "ON")
}

// observe reads the node: variables, replica status, Aurora cluster status, heartbeat.
func (s *Source) observe(ctx context.Context) (*observation, error) {
	n := s.node
	if err := n.connect(ctx); err != nil {
		return nil, err
	}
	o := &observation{info: n.info, serverAt: time.Now()}
	rows, err := queryRows(ctx, n.db, n.info.varsQuery())
	if err != nil || len(rows) == 0 {
		return nil, n.describe(ctx, "read variables of", orNoRows(err))
	}
	o.vars = rows[0]
	if rows, err = queryRows(ctx, n.db, n.info.statusQuery()); err != nil {
		return nil, n.describe(ctx, n.info.statusQuery()+" on", err)
	}
	for _, r := range rows {
		o.channels = append(o.channels, parseChannel(r))
	}
	if n.info.Dialect == dialectAurora && len(o.channels) == 0 {
		if err := s.observeAurora(ctx, o); err != nil {
			return nil, err
		}
	}
	if s.hb != nil && o.replicating() {
		var ahead *aheadError
		if lag, err := s.hb.read(ctx, n.db); errors.As(err, &ahead) {
			o.hbErr, o.hbAhead = ahead.Error(), true
		} else if err != nil {
			o.hbErr = n.scrub(reason(err, n.timeout))
		} else {
			o.hbLag = &lag
		}
	}
	return o, nil
}

// observeAurora reads this instance's row of the cluster's replica_host_status.
func (s *Source) observeAurora(ctx context.Context, o *observation) error {
	n := s.node
	rows, err := queryRows(ctx, n.db, "SELECT SERVER_ID, SESSION_ID, REPLICA_LAG_IN_MILLISECONDS, LAST_UPDATE_TIMESTAMP "+
		"FROM information_schema.replica_host_status WHERE SERVER_ID = @@aurora_server_id")
	if err != nil {
		return n.describe(ctx, "read replica_host_status of", err)
	}
	hosts := make([]auroraHost, 0, len(rows))
	for _, r := range rows {
		hosts = append(hosts, parseAuroraHost(r))
	}
	if h, ok := auroraSelf(hosts, o.vars.str("aurora_server_id"), time.Now().UTC()); ok && !h.Writer {
		o.aurora = &h
	}
	return nil
}

// observePrimary reads the GTID state of the node's primary, after the node's own (so that
// anything the node has and the primary lacks is really missing there, not just newer).
func (s *Source) observePrimary(ctx context.Context, o *observation) {
	p := s.primary
	if p == nil {
		return
	}
	if err := p.connect(ctx); err != nil {
		o.primErr = err.Error()
		return
	}
	q := "SELECT @@read_only AS read_only, @@global.gtid_executed AS gtid_executed, @@gtid_mode AS gtid_mode"
	if p.info.Dialect == dialectMariaDB {
		q = "SELECT @@read_only AS read_only, @@gtid_binlog_state AS gtid_binlog_state, @@gtid_binlog_pos AS gtid_binlog_pos"
	}
	rows, err := queryRows(ctx, p.db, q)
	if err != nil || len(rows) == 0 {
		o.primErr = p.describe(ctx, "read GTIDs of", orNoRows(err)).Error()
		return
	}
	if p.info.Dialect != o.info.Dialect && (p.info.Dialect == dialectMariaDB || o.info.Dialect == dialectMariaDB) {
		o.primErr = fmt.Sprintf("primary %s is %s, this node %s: their GTIDs cannot be compared",
			p.name, p.info.Dialect, o.info.Dialect)
		return
	}
	o.primary = rows[0]
}

// orNoRows stands in for a query that returned no row and no error.
func orNoRows(err error) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("no row returned")
}
