package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	driver "github.com/go-sql-driver/mysql"
)

// The dialects, as the dialect fact names them.
const (
	dialectMySQL   = "mysql"
	dialectMariaDB = "mariadb"
	dialectAurora  = "aurora"
)

// serverInfo is what warroom learns about a server when it connects.
type serverInfo struct {
	Dialect string
	Version string // as reported (Aurora: "8.0.28 (Aurora 3.04.0)")
	Num     [3]int // major, minor, patch of the MySQL/MariaDB version
}

// detectQuery asks for the version and the variables that tell the dialects apart in one
// statement that works on every one of them (a missing variable is simply not a row).
const detectQuery = "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('version', 'version_comment', 'aurora_version')"

// detect finds the server's dialect and version.
func detect(ctx context.Context, db *sql.DB) (*serverInfo, error) {
	rows, err := queryRows(ctx, db, detectQuery)
	if err != nil {
		return nil, err
	}
	vars := map[string]string{}
	for _, r := range rows {
		vars[strings.ToLower(r.str("Variable_name"))] = r.str("Value")
	}
	return classify(vars["version"], vars["version_comment"], vars["aurora_version"])
}

// classify turns version(), @@version_comment and @@aurora_version into a serverInfo.
func classify(version, comment, aurora string) (*serverInfo, error) {
	if version == "" {
		return nil, errors.New("the server did not report its version")
	}
	num, ok := parseVersion(version)
	if !ok {
		return nil, fmt.Errorf("cannot read server version %q", clip(version, 60))
	}
	info := &serverInfo{Dialect: dialectMySQL, Version: clip(version, 80), Num: num}
	switch {
	case strings.Contains(strings.ToLower(version), "mariadb") || strings.Contains(strings.ToLower(comment), "mariadb"):
		info.Dialect = dialectMariaDB
	case aurora != "":
		info.Dialect = dialectAurora
		info.Version = clip(version+" (Aurora "+aurora+")", 80)
	}
	return info, nil
}

// parseVersion reads the leading major.minor.patch of a version string. MariaDB's old
// replication prefix "5.5.5-" is skipped.
func parseVersion(v string) ([3]int, bool) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "5.5.5-")
	var out [3]int
	fields := strings.SplitN(v, ".", 3)
	if len(fields) < 2 {
		return out, false
	}
	for i, f := range fields {
		end := 0
		for end < len(f) && end < 6 && f[end] >= '0' && f[end] <= '9' {
			end++
		}
		if end == 0 {
			return out, false
		}
		n, err := strconv.Atoi(f[:end])
		if err != nil {
			return out, false
		}
		out[i] = n
		if end < len(f) {
			break // "19-MariaDB-log": the rest is not a number
		}
	}
	return out, true
}

// atLeast reports whether the version is major.minor.patch or newer.
func (s *serverInfo) atLeast(major, minor, patch int) bool {
	want := [3]int{major, minor, patch}
	for i := range 3 {
		if s.Num[i] != want[i] {
			return s.Num[i] > want[i]
		}
	}
	return true
}

// statusQuery is the replica-status statement of the dialect.
func (s *serverInfo) statusQuery() string {
	switch {
	case s.Dialect == dialectMariaDB:
		return "SHOW ALL SLAVES STATUS"
	case s.atLeast(8, 0, 22):
		return "SHOW REPLICA STATUS"
	}
	return "SHOW SLAVE STATUS"
}

// binlogQuery reports the current binary log file and position.
func (s *serverInfo) binlogQuery() string {
	if s.Dialect != dialectMariaDB && s.atLeast(8, 2, 0) {
		return "SHOW BINARY LOG STATUS"
	}
	return "SHOW MASTER STATUS"
}

// varsQuery reads the variables one poll needs, in one statement, by alias.
func (s *serverInfo) varsQuery() string {
	cols := []string{"@@server_id AS server_id", "@@read_only AS read_only",
		"@@innodb_read_only AS innodb_read_only", "@@log_bin AS log_bin"}
	if s.Dialect == dialectMariaDB {
		cols = append(cols, "@@gtid_binlog_state AS gtid_binlog_state", "@@gtid_binlog_pos AS gtid_binlog_pos",
			"@@gtid_current_pos AS gtid_current_pos", "@@gtid_slave_pos AS gtid_slave_pos")
		return "SELECT " + strings.Join(cols, ", ")
	}
	cols = append(cols, "@@server_uuid AS server_uuid", "@@gtid_mode AS gtid_mode",
		"@@global.gtid_executed AS gtid_executed")
	if s.atLeast(5, 7, 8) {
		cols = append(cols, "@@super_read_only AS super_read_only")
	}
	if s.Dialect == dialectAurora {
		cols = append(cols, "@@aurora_server_id AS aurora_server_id")
	}
	return "SELECT " + strings.Join(cols, ", ")
}

// capParams are the session variables that cap every monitoring statement on the server at
// the poll's timeout, so a cancelled poll does not leave a query running there.
func (s *serverInfo) capParams(timeout time.Duration) map[string]string {
	switch {
	case s.Dialect == dialectMariaDB && s.atLeast(10, 1, 1):
		return map[string]string{"max_statement_time": strconv.FormatFloat(timeout.Seconds(), 'f', 3, 64)}
	case s.Dialect != dialectMariaDB && s.atLeast(5, 7, 8):
		return map[string]string{"max_execution_time": strconv.FormatInt(timeout.Milliseconds(), 10)}
	}
	return nil
}

// connect makes sure the node has a pool on a detected server, capped server-side when the
// dialect allows. The first connection detects the dialect; the pool is then reopened with
// the cap set on every new session.
func (n *node) connect(ctx context.Context) error {
	if n.db != nil && n.info != nil {
		return nil
	}
	if n.db == nil {
		db, err := n.open(nil)
		if err != nil {
			return err
		}
		n.db, n.capped = db, false
	}
	info, err := detect(ctx, n.db)
	if err != nil {
		return n.describe(ctx, "connect", err)
	}
	n.info = info
	params := info.capParams(n.timeout)
	if params == nil {
		return nil
	}
	capped, err := n.open(params)
	if err != nil {
		return nil // keep the uncapped pool
	}
	if err := capped.PingContext(ctx); err != nil {
		_ = capped.Close()
		var me *driver.MySQLError
		if errors.As(err, &me) && me.Number == 1193 { // unknown system variable: no cap here
			return nil
		}
		n.info = nil
		return n.describe(ctx, "connect", err)
	}
	_ = n.db.Close()
	n.db, n.capped = capped, true
	return nil
}
