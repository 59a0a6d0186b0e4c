package mysql

import (
	"strings"
	"time"
)

// channel is one replication channel of a replica, from one row of SHOW REPLICA STATUS,
// SHOW SLAVE STATUS or SHOW ALL SLAVES STATUS, whatever the dialect calls its columns.
type channel struct {
	Name         string // Channel_Name (MySQL), Connection_name (MariaDB); "" is the default
	IOState      string // Yes, No, Connecting
	SQLState     string
	IORunning    bool
	SQLRunning   bool
	Lag          *float64 // Seconds_Behind_Source/Master; nil when the server has none to give
	LastIOError  string
	LastSQLError string
	SourceHost   string
	SourcePort   string
	SourceID     int64  // Source_Server_Id / Master_Server_Id
	GTIDIOPos    string // MariaDB Gtid_IO_Pos
	Retrieved    string // MySQL Retrieved_Gtid_Set
	Executed     string // MySQL Executed_Gtid_Set
	SQLDelay     float64
}

// maxErrorText bounds a replication error copied from the server.
const maxErrorText = 300

// parseChannel reads one replica-status row by column name.
func parseChannel(r row) channel {
	c := channel{
		Name:         r.str("Channel_Name", "Connection_name"),
		IOState:      r.str("Replica_IO_Running", "Slave_IO_Running"),
		SQLState:     r.str("Replica_SQL_Running", "Slave_SQL_Running"),
		Lag:          r.num("Seconds_Behind_Source", "Seconds_Behind_Master"),
		LastIOError:  clip(r.str("Last_IO_Error"), maxErrorText),
		LastSQLError: clip(r.str("Last_SQL_Error"), maxErrorText),
		SourceHost:   clip(r.str("Source_Host", "Master_Host"), 255),
		SourcePort:   clip(r.str("Source_Port", "Master_Port"), 8),
		GTIDIOPos:    clip(r.str("Gtid_IO_Pos"), maxField),
		Retrieved:    clip(r.str("Retrieved_Gtid_Set"), maxField),
		Executed:     clip(r.str("Executed_Gtid_Set"), maxField),
	}
	c.IORunning = strings.EqualFold(c.IOState, "Yes")
	c.SQLRunning = strings.EqualFold(c.SQLState, "Yes")
	if id := r.num("Source_Server_Id", "Master_Server_Id"); id != nil {
		c.SourceID = int64(*id)
	}
	if d := r.num("SQL_Delay"); d != nil {
		c.SQLDelay = *d
	}
	if c.Lag != nil && *c.Lag < 0 {
		c.Lag = nil
	}
	return c
}

// threadProblem describes a stopped or connecting thread with its last error; "" when both
// threads run.
func (c channel) threadProblem() string {
	var parts []string
	if !c.IORunning {
		p := "IO thread " + threadWord(c.IOState)
		if c.LastIOError != "" {
			p += ": " + c.LastIOError
		}
		parts = append(parts, p)
	}
	if !c.SQLRunning {
		p := "SQL thread " + threadWord(c.SQLState)
		if c.LastSQLError != "" {
			p += ": " + c.LastSQLError
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

func threadWord(state string) string {
	if strings.EqualFold(state, "Connecting") {
		return "connecting"
	}
	return "stopped"
}

// lastError is the thread error a person should read first.
func (c channel) lastError() string {
	if c.LastSQLError != "" {
		return c.LastSQLError
	}
	return c.LastIOError
}

// auroraHost is one row of information_schema.replica_host_status.
type auroraHost struct {
	ServerID   string
	Writer     bool
	Lag        *float64 // seconds
	LastUpdate time.Time
}

// parseAuroraHost reads one replica_host_status row by column name.
func parseAuroraHost(r row) auroraHost {
	h := auroraHost{
		ServerID: clip(r.str("SERVER_ID"), 255),
		Writer:   strings.EqualFold(r.str("SESSION_ID"), "MASTER_SESSION_ID"),
	}
	if ms := r.num("REPLICA_LAG_IN_MILLISECONDS"); ms != nil && *ms >= 0 {
		s := *ms / 1000
		h.Lag = &s
	}
	h.LastUpdate, _ = parseServerTime(r.str("LAST_UPDATE_TIMESTAMP"))
	return h
}

// auroraSelf finds this instance's row among the cluster's; rows not updated for five
// minutes (removed instances) are ignored.
func auroraSelf(hosts []auroraHost, self string, now time.Time) (auroraHost, bool) {
	for _, h := range hosts {
		if !strings.EqualFold(h.ServerID, self) {
			continue
		}
		if !h.LastUpdate.IsZero() && now.Sub(h.LastUpdate) > 5*time.Minute {
			return auroraHost{}, false
		}
		return h, true
	}
	return auroraHost{}, false
}

// parseServerTime reads a DATETIME as the server prints it, or as pt-heartbeat writes it
// ("2006-01-02T15:04:05.000000"); the result has no zone of its own (UTC is assumed).
func parseServerTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 19 || len(s) > 32 {
		return time.Time{}, false
	}
	b := []byte(s)
	if b[10] == 'T' {
		b[10] = ' '
	}
	t, err := time.Parse("2006-01-02 15:04:05.999999999", string(b))
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// clip bounds text from a server to n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
