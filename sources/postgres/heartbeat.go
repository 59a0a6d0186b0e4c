package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/warroom-dev/warroom/config"
)

// heartbeat reads a heartbeat table: one row per writer (server_id) with the writer's time
// in ts (timestamptz, or timestamp in UTC), updated every second or so on the primary.
type heartbeat struct {
	table    string // quoted: "schema"."table"
	display  string
	serverID int64
}

// newHeartbeat checks the configured table name; nil config means no heartbeat.
func newHeartbeat(h *config.Heartbeat) (*heartbeat, error) {
	if h == nil {
		return nil, nil
	}
	q, err := quoteTable(h.Table)
	if err != nil {
		return nil, fmt.Errorf("heartbeat.table: %w", err)
	}
	if h.SourceServerID < 0 {
		return nil, fmt.Errorf("heartbeat.source_server_id: %d is negative", h.SourceServerID)
	}
	return &heartbeat{table: q, display: h.Table, serverID: h.SourceServerID}, nil
}

// quoteTable turns "schema.table" (or "table") into a safely quoted identifier.
func quoteTable(name string) (string, error) {
	parts := strings.Split(strings.TrimSpace(name), ".")
	if name == "" || len(parts) > 2 {
		return "", fmt.Errorf("%q is not schema.table", name)
	}
	for i, p := range parts {
		if p == "" || len(p) > 63 {
			return "", fmt.Errorf("%q is not schema.table", name)
		}
		parts[i] = `"` + strings.ReplaceAll(p, `"`, `""`) + `"`
	}
	return strings.Join(parts, "."), nil
}

// query reads the newest heartbeat's age by the node's own clock (the one kept in step with
// the primary's; the operator's laptop may be minutes off). A timestamp without time zone
// is read as UTC (the session's time zone is UTC unless heartbeat.utc is false).
func (h *heartbeat) query() string {
	q := "SELECT extract(epoch FROM clock_timestamp() - ts::timestamptz) AS lag_s FROM " + h.table
	if h.serverID > 0 {
		q += " WHERE server_id = " + strconv.FormatInt(h.serverID, 10)
	}
	return q + " ORDER BY ts DESC LIMIT 1"
}

// read returns the lag the heartbeat shows, never negative (clocks a few ms apart).
func (h *heartbeat) read(ctx context.Context, n *node) (float64, error) {
	rows, err := queryRows(ctx, n.conn, h.query())
	if err != nil {
		return 0, fmt.Errorf("heartbeat %s: %s", h.display, n.scrub(reason(err, n.timeout)))
	}
	if len(rows) == 0 {
		if h.serverID > 0 {
			return 0, fmt.Errorf("heartbeat %s has no row for server_id %d", h.display, h.serverID)
		}
		return 0, fmt.Errorf("heartbeat %s is empty", h.display)
	}
	lag := rows[0].num("lag_s")
	if lag == nil {
		return 0, fmt.Errorf("heartbeat %s: ts is null", h.display)
	}
	return max(*lag, 0), nil
}
