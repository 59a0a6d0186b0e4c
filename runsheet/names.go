package runsheet

import (
	"sort"
	"strings"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
)

// Names tells gates which sources exist, per gate namespace: source name → kind. The kinds
// are those of board.Info.Kind: "mysql" in DB; "health", "tcp" or "dns" in Health;
// "datadog" in Metric; "demo" (or any other kind) allows every field of its namespace.
type Names struct {
	DB     map[string]string
	Health map[string]string
	Metric map[string]string
	Parity map[string]string
}

// NamesFromConfig lists the configured databases, health probes and metrics.
func NamesFromConfig(cfg *config.Config) Names {
	n := Names{DB: map[string]string{}, Health: map[string]string{}, Metric: map[string]string{}, Parity: map[string]string{}}
	for _, p := range cfg.Parity {
		n.Parity[p.Name] = "parity"
	}
	for _, d := range cfg.Databases {
		n.DB[d.Name] = "mysql"
	}
	for _, h := range cfg.Health {
		n.Health[h.Name] = h.Kind()
	}
	for _, m := range cfg.Metrics {
		n.Metric[m.Name] = "datadog"
	}
	return n
}

// NamesFromInfos lists the board's sources by their Group ("db", "health", "metric").
func NamesFromInfos(infos []board.Info) Names {
	n := Names{DB: map[string]string{}, Health: map[string]string{}, Metric: map[string]string{}, Parity: map[string]string{}}
	for _, in := range infos {
		if m := n.group(in.Group); m != nil {
			m[in.Name] = in.Kind
		}
	}
	return n
}

// group returns the names of one gate namespace, nil for an unknown one.
func (n *Names) group(g string) map[string]string {
	switch g {
	case "db":
		return n.DB
	case "health":
		return n.Health
	case "metric":
		return n.Metric
	case "parity":
		return n.Parity
	}
	return nil
}

// namespaces are the identifiers a gate may index; checkpoint is the runsheet itself.
var namespaces = map[string]string{"db": "database", "health": "health probe", "metric": "metric", "parity": "parity check", "checkpoint": "checkpoint"}

// commonFields are readable on every source.
var commonFields = []string{"status", "value", "error", "stale"}

// kindFields are the check --json facts of each source kind.
var kindFields = map[string][]string{
	"mysql": {"role", "read_only", "expect", "io_running", "sql_running", "lag_s", "lag_source",
		"stray_writes", "errant_gtids", "last_error", "dialect", "version"},
	"health":  {"status_code", "latency_ms", "phases_ms", "served_by", "tls_days_left"},
	"tcp":     {"latency_ms"},
	"dns":     {"answers", "ttl_s", "matched"},
	"datadog": {"points", "last_point_at", "series_count", "rate_limit_remaining", "query"},
	"parity": {"equal", "old_rows", "new_rows", "checked_rows", "differing_ranges", "differing_ranges_total",
		"pending_rows", "last_full_walk_at", "lag_s", "paused"},
}

// groupKinds are the kinds that live in each namespace.
var groupKinds = map[string][]string{"db": {"mysql"}, "health": {"health", "tcp", "dns"}, "metric": {"datadog"}, "parity": {"parity"}}

// fieldsOf returns the fields a gate may read on a source of this namespace and kind.
func fieldsOf(group, kind string) []string {
	if group == "checkpoint" {
		return []string{"state"}
	}
	fs := append([]string(nil), commonFields...)
	kinds := []string{kind}
	if _, known := kindFields[kind]; !known {
		kinds = groupKinds[group]
	}
	seen := map[string]bool{}
	for _, k := range kinds {
		for _, f := range kindFields[k] {
			if !seen[f] {
				seen[f] = true
				fs = append(fs, f)
			}
		}
	}
	return fs
}

// hasField reports whether f is one of fields.
func hasField(fields []string, f string) bool {
	for _, x := range fields {
		if x == f {
			return true
		}
	}
	return false
}

// knownList lists up to a few names for an error message.
func knownList(m map[string]string) string {
	if len(m) == 0 {
		return "none are configured"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, `"`+k+`"`)
	}
	sort.Strings(keys)
	if len(keys) > 8 {
		keys = append(keys[:8], "…")
	}
	return "known: " + strings.Join(keys, ", ")
}
