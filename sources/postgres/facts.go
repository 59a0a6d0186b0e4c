package postgres

import (
	"strconv"
	"strings"

	"github.com/warroom-dev/warroom/sources"
)

// Kind declares the postgres kind: its group and every fact a poll reports (check --json and
// gates read them; a test holds the polls of real servers to this list). The facts MySQL
// has keep MySQL's names and meanings, so a gate reads db["x"].lag_s whichever engine it is.
var Kind = sources.Kind{
	Name:  "postgres",
	Group: sources.GroupDB,
	Doc:   "a PostgreSQL or Aurora PostgreSQL node: role, read-only state, streaming and logical replication lag, slots, stray writes",
	Facts: []sources.Fact{
		{Name: "role", Type: sources.String, Values: []string{"primary", "replica"}, Doc: "replica when the node is a standby, a subscriber or an Aurora reader"},
		{Name: "read_only", Type: sources.Bool, Doc: "in recovery, or default_transaction_read_only / transaction_read_only on"},
		{Name: "expect", Type: sources.String, Values: []string{expectWritable, expectReadOnly, ""}, Doc: "what the node is expected to be right now (config, then the runsheet)"},
		{Name: "replication", Type: sources.String, Values: []string{replStreaming, replLogical, replAurora}, Doc: "how the node replicates; null when it does not"},
		{Name: "io_running", Type: sources.Bool, Doc: "WAL receiver streaming / every subscription's apply worker running; null when not a replica"},
		{Name: "sql_running", Type: sources.Bool, Doc: "replay not paused / every subscription's apply worker running; null when not a replica"},
		{Name: "lag_s", Type: sources.Number, Doc: "replication lag in seconds; null when unknown"},
		{Name: "lag_source", Type: sources.String, Values: []string{lagHeartbeat, lagReplay, lagConfirmed, lagPublisher, lagAurora}, Doc: "how lag_s was measured"},
		{Name: "lag_bytes", Type: sources.Number, Doc: "WAL bytes written upstream and not yet replayed (standby) or confirmed (subscriber)"},
		{Name: "stray_writes", Type: sources.Bool, Doc: "a write happened on the node while it was expected read-only"},
		{Name: "stray_detail", Type: sources.String, Doc: "what moved: tables and rows, transaction ids, WAL"},
		{Name: "last_error", Type: sources.String, Doc: "the replication problem, or why the poll failed"},
		{Name: "dialect", Type: sources.String, Values: []string{dialectPostgres, dialectAurora}, Doc: "the server's dialect"},
		{Name: "version", Type: sources.String, Doc: "the server's version"},
		{Name: "standbys", Type: sources.List, Doc: "pg_stat_replication on a primary: name, client_addr, state, sync_state, kind, write/flush/replay_lag_s, lag_bytes"},
		{Name: "slots", Type: sources.List, Doc: "pg_replication_slots on a primary or publisher: slot, type, active, wal_status, retained_bytes"},
		{Name: "subscriptions", Type: sources.List, Doc: "a subscriber's subscriptions: name, enabled, slot, running, last_msg_age_s, apply_errors"},
		{Name: "sequences_behind", Type: sources.List, Doc: "a subscriber's sequences behind the publisher's (logical replication does not copy them)"},
	},
}

// facts are the check --json facts of a successful poll.
func (s *Source) facts(o *observation, expect string, lag lagReading, lastErr string) map[string]any {
	f := s.baseFacts(expect, lastErr)
	f["read_only"], f["dialect"], f["version"] = o.readOnly(), o.info.Dialect, o.info.Version
	if repl := o.replication(); repl != "" {
		f["role"], f["replication"] = "replica", repl
		io, sqlRun := true, true
		switch repl {
		case replStreaming:
			io, sqlRun = o.receiving(), !o.vars.is("replay_paused")
		case replLogical:
			for _, sub := range o.subs {
				io = io && sub.Running
			}
			sqlRun = io
		}
		f["io_running"], f["sql_running"] = io, sqlRun
	} else {
		f["role"] = "primary"
	}
	if lag.value != nil {
		f["lag_s"], f["lag_source"] = *lag.value, lag.source
	}
	f["lag_bytes"] = fnum(lag.bytes)
	standbys := make([]map[string]any, 0, len(o.standbys))
	for _, sb := range o.standbys {
		standbys = append(standbys, sb.fact())
	}
	slots := make([]map[string]any, 0, len(o.slots))
	for _, sl := range o.slots {
		slots = append(slots, sl.fact())
	}
	subs := make([]map[string]any, 0, len(o.subs))
	for _, sub := range o.subs {
		subs = append(subs, sub.fact())
	}
	f["standbys"], f["slots"], f["subscriptions"] = standbys, slots, subs
	f["sequences_behind"] = append([]string{}, o.seqBehind...)
	return f
}

// baseFacts are the facts every poll reports, filled in as far as a failed poll can.
func (s *Source) baseFacts(expect, lastErr string) map[string]any {
	f := map[string]any{
		"role": nil, "read_only": nil, "expect": expect, "replication": nil, "io_running": nil, "sql_running": nil,
		"lag_s": nil, "lag_source": nil, "lag_bytes": nil, "stray_writes": s.stray.active(), "stray_detail": "",
		"last_error": lastErr, "dialect": nil, "version": nil, "standbys": nil, "slots": nil, "subscriptions": nil,
		"sequences_behind": nil,
	}
	if s.stray.active() {
		f["stray_detail"] = s.stray.text
	}
	if s.lastInfo != nil {
		f["dialect"], f["version"] = s.lastInfo.Dialect, s.lastInfo.Version
	}
	return f
}

// failed is the result of a poll that could not read the node.
func (s *Source) failed(err error, expect string) sources.Result {
	msg := s.node.scrub(err.Error())
	f := s.baseFacts(expect, msg)
	detail := "DOWN · " + reasonOf(msg)
	if s.stray.active() {
		detail = "STRAY WRITE " + s.stray.text + " · " + detail
	}
	return sources.Result{Status: sources.Crit, Failed: true, Unit: "s", Error: msg, Detail: detail, Facts: f}
}

// reasonOf is the part of an error after the DSN ("connect postgres://u:***@h/db: …").
func reasonOf(msg string) string {
	if i := strings.Index(msg, ": "); i >= 0 && i+2 < len(msg) {
		return msg[i+2:]
	}
	return msg
}

// formatLag prints a lag for the board row.
func formatLag(s float64) string {
	switch {
	case s < 10:
		return strconv.FormatFloat(s, 'f', 1, 64) + " s"
	case s < 3600:
		return strconv.FormatFloat(s, 'f', 0, 64) + " s"
	}
	h := int(s) / 3600
	return strconv.Itoa(h) + "h" + pad2((int(s)%3600)/60) + "m"
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func itoa(n int) string { return strconv.Itoa(n) }
