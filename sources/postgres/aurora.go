package postgres

import (
	"context"
	"strings"
	"time"
)

// auroraHost is one row of aurora_replica_status(): an instance of the Aurora cluster.
type auroraHost struct {
	ServerID string
	Writer   bool
	Lag      *float64 // seconds
	Updated  time.Time
}

// auroraStatusQuery reads every instance of the cluster and this instance's identifier.
const auroraStatusQuery = `SELECT server_id, session_id, replica_lag_in_msec, last_update_timestamp::text AS last_update_timestamp,
 aurora_db_instance_identifier() AS self FROM aurora_replica_status()`

// parseAuroraHost reads one row of aurora_replica_status(). The writer's session_id is
// MASTER_SESSION_ID; its lag is meaningless.
func parseAuroraHost(r row) auroraHost {
	h := auroraHost{ServerID: r.str("server_id"), Writer: strings.EqualFold(r.str("session_id"), "MASTER_SESSION_ID")}
	if ms := r.num("replica_lag_in_msec"); ms != nil && *ms >= 0 && !h.Writer {
		h.Lag = ptr(*ms / 1000)
	}
	h.Updated, _ = parsePGTime(r.str("last_update_timestamp"))
	return h
}

// auroraSelf finds this instance's row; rows not updated for 5 minutes (instances removed
// from the cluster) are ignored.
func auroraSelf(hosts []auroraHost, self string, now time.Time) (auroraHost, bool) {
	for _, h := range hosts {
		if h.ServerID == self && self != "" && (h.Updated.IsZero() || now.Sub(h.Updated) < 5*time.Minute) {
			return h, true
		}
	}
	return auroraHost{}, false
}

// observeAurora reads this Aurora instance's row of aurora_replica_status(), on a reader.
func (s *Source) observeAurora(ctx context.Context, o *observation) error {
	if o.info.Dialect != dialectAurora || !o.inRecovery() {
		return nil
	}
	rows, err := s.node.query(ctx, "read aurora_replica_status() of", auroraStatusQuery)
	if err != nil {
		return err
	}
	hosts := make([]auroraHost, 0, len(rows))
	self := ""
	for _, r := range rows {
		hosts = append(hosts, parseAuroraHost(r))
		self = r.str("self")
	}
	if h, ok := auroraSelf(hosts, self, time.Now()); ok && !h.Writer {
		o.aurora = &h
	} else {
		o.aurora = &auroraHost{ServerID: self} // a reader whose row is missing: lag unknown
	}
	return nil
}

// parsePGTime reads a timestamptz as the server prints it ("2026-11-22 02:40:00.5+00").
func parsePGTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04:05.999999-07", "2006-01-02 15:04:05.999999-07:00",
		"2006-01-02 15:04:05.999999", "2006-01-02T15:04:05.999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func ptr(v float64) *float64 { return &v }
