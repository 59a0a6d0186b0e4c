package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/config"
)

// heartbeat reads a pt-heartbeat table.
type heartbeat struct {
	table    string // quoted: `schema`.`table`
	display  string
	serverID int64
	utc      bool
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
	hb := &heartbeat{table: q, display: h.Table, serverID: h.SourceServerID, utc: true}
	if h.UTC != nil {
		hb.utc = *h.UTC
	}
	return hb, nil
}

// quoteTable turns "schema.table" (or "table") into a safely quoted identifier.
func quoteTable(name string) (string, error) {
	parts := strings.Split(strings.TrimSpace(name), ".")
	if name == "" || len(parts) > 2 {
		return "", fmt.Errorf("%q is not schema.table", name)
	}
	for i, p := range parts {
		if p == "" || len(p) > 64 {
			return "", fmt.Errorf("%q is not schema.table", name)
		}
		parts[i] = "`" + strings.ReplaceAll(p, "`", "``") + "`"
	}
	return strings.Join(parts, "."), nil
}

// query returns the statement that reads the source's newest heartbeat and the server's
// clock. The replica's clock is used rather than warroom's own: it is the one kept in step
// with the source's, and the operator's laptop may be minutes off.
func (h *heartbeat) query() string {
	now := "UTC_TIMESTAMP(6)"
	if !h.utc {
		now = "NOW(6)"
	}
	q := "SELECT ts, " + now + " AS now FROM " + h.table
	if h.serverID > 0 {
		return q + " WHERE server_id = " + strconv.FormatInt(h.serverID, 10)
	}
	return q + " ORDER BY ts DESC LIMIT 1"
}

// read returns the lag the heartbeat shows: the server's now minus the newest ts.
func (h *heartbeat) read(ctx context.Context, db *sql.DB) (float64, error) {
	rows, err := queryRows(ctx, db, h.query())
	if err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		if h.serverID > 0 {
			return 0, fmt.Errorf("heartbeat %s has no row for server_id %d", h.display, h.serverID)
		}
		return 0, fmt.Errorf("heartbeat %s is empty", h.display)
	}
	return heartbeatLag(rows[0].str("ts"), rows[0].str("now"))
}

// heartbeatLag is now − ts in seconds, never negative (clocks a few ms apart).
func heartbeatLag(ts, now string) (float64, error) {
	t, ok := parseServerTime(ts)
	if !ok {
		return 0, fmt.Errorf("heartbeat ts %q is not a time", clip(ts, 40))
	}
	n, ok := parseServerTime(now)
	if !ok {
		return 0, fmt.Errorf("server time %q is not a time", clip(now, 40))
	}
	lag := n.Sub(t).Seconds()
	if lag < 0 {
		lag = 0
	}
	return lag, nil
}

// formatLag prints a lag for the board row.
func formatLag(s float64) string {
	switch {
	case s < 10:
		return strconv.FormatFloat(s, 'f', 1, 64) + " s"
	case s < 3600:
		return strconv.FormatFloat(s, 'f', 0, 64) + " s"
	}
	d := time.Duration(s) * time.Second
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
