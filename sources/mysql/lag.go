package mysql

import (
	"context"
	"database/sql"
	"errors"
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

// read returns the lag the heartbeat shows: the server's now minus the newest ts. A
// heartbeat from the future is an *aheadError.
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
	lag, err := heartbeatLag(rows[0].str("ts"), rows[0].str("now"))
	var ahead *aheadError
	if errors.As(err, &ahead) {
		ahead.utc = h.utc
	}
	return lag, err
}

// aheadTolerance is how far in the future a heartbeat may be and still read as lag 0. Two
// NTP-disciplined clocks agree within milliseconds, and a leap-second smear puts a smeared
// and an unsmeared clock at most about 0.5 s apart; 2 s is well beyond both, and well under
// any lag threshold worth setting, so what it hides cannot matter. Beyond it the clocks (or
// the time zones of writer and reader) disagree, and the difference would mask a real lag:
// a writer an hour ahead hides an hour of lag.
const aheadTolerance = 2 * time.Second

// aheadError says the newest heartbeat is from the future: the lag cannot be known.
type aheadError struct {
	ahead time.Duration
	utc   bool // the reader compares with UTC_TIMESTAMP (heartbeat.utc, the default)
}

func (e *aheadError) Error() string {
	hint := "is the writer using --utc?"
	if !e.utc {
		hint = "the writer's clock is ahead of the server's (heartbeat.utc is false: if the writer uses --utc, set it to true)"
	}
	return "heartbeat is " + formatAhead(e.ahead) + " in the future: " + hint
}

// formatAhead prints how far ahead a heartbeat is: "8h59m", "3m05s", "4.2s".
func formatAhead(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
}

// heartbeatLag is now − ts in seconds. A heartbeat up to aheadTolerance in the future is lag
// 0 (clocks a little apart); further ahead it is an *aheadError, never a lag.
func heartbeatLag(ts, now string) (float64, error) {
	t, ok := parseServerTime(ts)
	if !ok {
		return 0, fmt.Errorf("heartbeat ts %q is not a time", clip(ts, 40))
	}
	n, ok := parseServerTime(now)
	if !ok {
		return 0, fmt.Errorf("server time %q is not a time", clip(now, 40))
	}
	d := n.Sub(t)
	if d < -aheadTolerance {
		return 0, &aheadError{ahead: -d, utc: true}
	}
	return max(d.Seconds(), 0), nil
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
