package postgres

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// slot is one row of pg_replication_slots on a primary or publisher.
type slot struct {
	Name      string
	Type      string
	Active    bool
	WALStatus string   // reserved, extended, unreserved, lost
	Retained  *float64 // bytes of WAL held back for it; nil when lost
}

const slotsQuery = `SELECT slot_name, slot_type, active, wal_status,
 pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) AS retained_bytes
FROM pg_replication_slots ORDER BY slot_name`

func parseSlot(r row) slot {
	return slot{Name: clip(r.str("slot_name"), 64), Type: clip(r.str("slot_type"), 16), Active: r.is("active"),
		WALStatus: clip(r.str("wal_status"), 16), Retained: r.num("retained_bytes")}
}

func (s slot) fact() map[string]any {
	return map[string]any{"slot": s.Name, "type": s.Type, "active": s.Active, "wal_status": s.WALStatus,
		"retained_bytes": fnum(s.Retained)}
}

// problem is what is wrong with the slot: lost is crit (its subscriber or standby can never
// catch up), inactive while holding WAL back is warn (the disk fills up).
func (s slot) problem() (crit bool, text string) {
	switch {
	case s.WALStatus == "lost":
		return true, "slot " + s.Name + " lost: its consumer can never catch up"
	case !s.Active && s.Retained != nil && *s.Retained > 0:
		return false, "slot " + s.Name + " inactive, retaining " + formatBytes(*s.Retained)
	}
	return false, ""
}

// subscription is one subscription of the node's database with its apply worker's state
// (a disabled subscription's worker may take a moment to exit: it counts as stopped).
type subscription struct {
	Name        string
	Enabled     bool
	Slot        string
	Running     bool
	LastMsgAgeS *float64
	ApplyErrors int64
	SyncErrors  int64
}

// subscriptionsQuery lists the subscriptions with their apply worker (not the table-sync
// workers); the error counters exist from PostgreSQL 15.
func subscriptionsQuery(version int) string {
	errs, join := "0 AS apply_errors, 0 AS sync_errors", ""
	if version >= 150000 {
		errs = "ss.apply_error_count AS apply_errors, ss.sync_error_count AS sync_errors"
		join = " LEFT JOIN pg_stat_subscription_stats ss ON ss.subid = s.oid"
	}
	return `SELECT s.subname, s.subenabled, s.subslotname, st.pid IS NOT NULL AS running,
 extract(epoch FROM clock_timestamp() - st.last_msg_receipt_time) AS last_msg_age_s, ` + errs + `
FROM pg_subscription s LEFT JOIN pg_stat_subscription st ON st.subid = s.oid AND st.relid IS NULL` + join + `
WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY s.subname`
}

func parseSubscription(r row) subscription {
	return subscription{Name: clip(r.str("subname"), 64), Enabled: r.is("subenabled"), Slot: clip(r.str("subslotname"), 64),
		Running: r.is("running") && r.is("subenabled"), LastMsgAgeS: r.num("last_msg_age_s"),
		ApplyErrors: r.int64Of("apply_errors"), SyncErrors: r.int64Of("sync_errors")}
}

func (s subscription) fact() map[string]any {
	return map[string]any{"name": s.Name, "enabled": s.Enabled, "slot": s.Slot, "running": s.Running,
		"last_msg_age_s": fnum(s.LastMsgAgeS), "apply_errors": s.ApplyErrors}
}

// problem is why the subscription does not apply changes ("" when it does).
func (s subscription) problem() string {
	switch {
	case !s.Enabled:
		return "subscription " + s.Name + " disabled"
	case !s.Running && s.ApplyErrors+s.SyncErrors > 0:
		return fmt.Sprintf("subscription %s: apply worker not running (%d errors; see the server log)", s.Name, s.ApplyErrors+s.SyncErrors)
	case !s.Running:
		return "subscription " + s.Name + ": apply worker not running"
	}
	return ""
}

// pubSlot is a subscription's slot as its publisher sees it.
type pubSlot struct {
	Active    bool
	WALStatus string
	LagBytes  *float64 // WAL written since what the subscriber confirmed
	Confirmed bool     // the subscriber confirmed everything the publisher has written
	ReplayLag *float64 // the walsender's replay_lag, seconds
}

const publisherQuery = `SELECT s.slot_name, s.active, s.wal_status,
 pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn) AS lag_bytes,
 pg_wal_lsn_diff(r.sent_lsn, pg_current_wal_lsn()) >= 0 AND pg_wal_lsn_diff(r.flush_lsn, r.sent_lsn) >= 0 AS confirmed,
 extract(epoch FROM r.replay_lag) AS replay_lag_s
FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid
WHERE s.slot_name = ANY($1)`

// readPublisher reads the slots of the node's subscriptions on the publisher, and compares
// the sequences of the subscribed tables on both sides.
func (s *Source) readPublisher(ctx context.Context, o *observation, u *upstream) error {
	var names []string
	for _, sub := range o.subs {
		if sub.Slot != "" {
			names = append(names, sub.Slot)
		}
	}
	rows, err := s.primary.query(ctx, "read pg_replication_slots of", publisherQuery, names)
	if err != nil {
		return err
	}
	u.slots = map[string]pubSlot{}
	for _, r := range rows {
		u.slots[r.str("slot_name")] = pubSlot{Active: r.is("active"), WALStatus: clip(r.str("wal_status"), 16),
			LagBytes: r.num("lag_bytes"), Confirmed: r.is("confirmed"), ReplayLag: r.num("replay_lag_s")}
	}
	s.compareSequences(ctx, o)
	return nil
}

// The sequences owned by (serial/identity columns of) the subscribed tables, on the
// subscriber; then the same sequences on the publisher.
const (
	subSequencesQuery = `SELECT DISTINCT n.nspname AS schema, c.relname AS name, s.last_value,
 has_sequence_privilege(c.oid, 'SELECT') OR has_sequence_privilege(c.oid, 'USAGE') AS readable
FROM pg_subscription_rel sr
JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = sr.srrelid
 AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
JOIN pg_class c ON c.oid = d.objid AND c.relkind = 'S'
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_sequences s ON s.schemaname = n.nspname AND s.sequencename = c.relname
ORDER BY 1, 2`
	pubSequencesQuery = `SELECT schemaname || '.' || sequencename AS seq, last_value FROM pg_sequences
WHERE schemaname || '.' || sequencename = ANY($1)`
)

// compareSequences warns about sequences the subscriber has behind the publisher's: logical
// replication copies rows, not sequences, so after the switch new rows would collide.
func (s *Source) compareSequences(ctx context.Context, o *observation) {
	rows, err := s.node.query(ctx, "read the sequences of", subSequencesQuery)
	if err != nil {
		o.seqNote = "sequences not compared: " + reasonOf(err.Error())
		return
	}
	local := map[string]*float64{}
	var keys, unreadable []string
	for _, r := range rows {
		k := r.str("schema") + "." + r.str("name")
		if !r.is("readable") {
			unreadable = append(unreadable, k)
			continue
		}
		local[k] = r.num("last_value")
		keys = append(keys, k)
	}
	if len(unreadable) > 0 {
		o.seqNote = "sequences not readable here: " + joinNames(unreadable) + " (GRANT SELECT ON them TO the monitoring role)"
	}
	if len(keys) == 0 {
		return
	}
	if rows, err = s.primary.query(ctx, "read the sequences of", pubSequencesQuery, keys); err != nil {
		o.seqNote = "sequences not compared: " + reasonOf(err.Error())
		return
	}
	for _, r := range rows {
		pub, sub := r.num("last_value"), local[r.str("seq")]
		if pub != nil && (sub == nil || *sub < *pub) {
			o.seqBehind = append(o.seqBehind, shortName(r.str("seq")))
		}
	}
	sort.Strings(o.seqBehind)
}

// shortName drops the public schema: "public.orders_id_seq" → "orders_id_seq".
func shortName(qualified string) string { return strings.TrimPrefix(qualified, "public.") }

// joinNames lists up to five names.
func joinNames(names []string) string {
	out := make([]string, 0, 6)
	for i, n := range names {
		if i == 5 {
			out = append(out, fmt.Sprintf("and %d more", len(names)-5))
			break
		}
		out = append(out, shortName(n))
	}
	return clip(strings.Join(out, ", "), 400)
}

// formatBytes prints a byte count for the board row.
func formatBytes(b float64) string {
	switch {
	case b < 1024:
		return fmt.Sprintf("%.0f B", b)
	case b < 1<<20:
		return fmt.Sprintf("%.1f KiB", b/1024)
	case b < 1<<30:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", b/(1<<30))
}
