package mysql

import (
	"database/sql"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

var fieldLine = regexp.MustCompile(`^\s*([A-Za-z_]+):(?: (.*))?$`)

// parseVertical reads rows printed by the mysql client's \G into row maps through makeRow,
// the function the real query path uses. "NULL" is NULL; a line that is not "Name: value"
// continues the previous value (MySQL prints long GTID sets over several lines).
func parseVertical(text string) []row {
	var out []row
	var cols []string
	var vals []sql.RawBytes
	flush := func() {
		if cols != nil {
			out = append(out, makeRow(cols, vals))
		}
		cols, vals = nil, nil
	}
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "#"), strings.TrimSpace(line) == "":
		case strings.HasPrefix(line, "*****"):
			flush()
			cols = []string{}
		case fieldLine.MatchString(line):
			m := fieldLine.FindStringSubmatch(line)
			cols = append(cols, m[1])
			if v := strings.TrimSpace(m[2]); v == "NULL" {
				vals = append(vals, nil)
			} else {
				vals = append(vals, sql.RawBytes(v))
			}
		case len(vals) > 0 && vals[len(vals)-1] != nil:
			vals[len(vals)-1] = append(vals[len(vals)-1], strings.TrimSpace(line)...)
		}
	}
	flush()
	return out
}

func recorded(t *testing.T, name string) []row {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	rows := parseVertical(string(b))
	if len(rows) == 0 {
		t.Fatalf("%s: no rows", name)
	}
	return rows
}

func TestMySQL8MultiSourceRows(t *testing.T) {
	rows := recorded(t, "mysql80-replica-status.txt")
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2", len(rows))
	}
	east, west := parseChannel(rows[0]), parseChannel(rows[1])
	if east.Name != "east" || !east.IORunning || !east.SQLRunning || east.Lag == nil || *east.Lag != 3 ||
		east.SourceHost != "10.0.1.10" || east.SourceID != 11 || east.threadProblem() != "" {
		t.Errorf("east = %+v", east)
	}
	if !strings.HasSuffix(east.Executed, ",7a2b3c4d-2222-11ee-9a7b-0242ac110003:1-880") {
		t.Errorf("executed set over two lines = %q", east.Executed)
	}
	if west.Name != "west" || west.SQLRunning || west.Lag != nil ||
		west.threadProblem() != "SQL thread stopped: "+west.LastSQLError || !strings.Contains(west.lastError(), "Duplicate entry '77'") {
		t.Errorf("west = %+v, problem %q", west, west.threadProblem())
	}
}

func TestMySQL57SlaveStatusRow(t *testing.T) {
	c := parseChannel(recorded(t, "mysql57-slave-status.txt")[0])
	if c.IORunning || !c.SQLRunning || c.Lag != nil || c.SourceHost != "db-old.internal" || c.Name != "" {
		t.Errorf("channel = %+v", c)
	}
	want := "IO thread connecting: error reconnecting to master 'repl@db-old.internal:3306' - retry-time: 60  retries: 2"
	if got := c.threadProblem(); got != want {
		t.Errorf("problem = %q, want %q", got, want)
	}
}

func TestMariaDBAllSlavesRow(t *testing.T) {
	c := parseChannel(recorded(t, "mariadb1011-all-slaves-status.txt")[0])
	if c.Name != "" || !c.IORunning || c.SQLRunning || c.Lag != nil || c.GTIDIOPos != "0-1-12" || c.SourceID != 1 {
		t.Errorf("channel = %+v", c)
	}
	if got := c.threadProblem(); got != "SQL thread stopped" {
		t.Errorf("problem = %q", got)
	}
}

func TestAuroraRows(t *testing.T) {
	var hosts []auroraHost
	for _, r := range recorded(t, "aurora-replica-host-status.txt") {
		hosts = append(hosts, parseAuroraHost(r))
	}
	now := time.Date(2026, 11, 22, 2, 40, 3, 0, time.UTC)
	if !hosts[0].Writer || hosts[1].Writer {
		t.Errorf("writer flags: %+v", hosts)
	}
	h, ok := auroraSelf(hosts, "market-cluster-reader-1", now)
	if !ok || h.Lag == nil || *h.Lag != 0.01825 {
		t.Errorf("reader-1 = %+v, %v", h, ok)
	}
	if _, ok := auroraSelf(hosts, "market-cluster-reader-old", now); ok {
		t.Error("a row not updated for over an hour must be ignored")
	}
	if _, ok := auroraSelf(hosts, "someone-else", now); ok {
		t.Error("unknown server id found")
	}
}

// offline makes a source without opening any connection.
func offline(t *testing.T, db config.Database) *Source {
	t.Helper()
	if db.DSN == "" {
		db.DSN = "mon:pw@tcp(127.0.0.1:1)/"
	}
	s, err := New(db, []config.Database{db, {Name: "src", DSN: "mon:pw@tcp(127.0.0.1:2)/"}}, config.Defaults{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestResultMySQL8MultiSource(t *testing.T) {
	rows := recorded(t, "mysql80-replica-status.txt")
	info, _ := classify("8.0.36", "MySQL Community Server - GPL", "")
	o := &observation{info: info, vars: row{"read_only": strp("1"), "super_read_only": strp("1"), "gtid_mode": strp("ON")}}
	for _, r := range rows {
		o.channels = append(o.channels, parseChannel(r))
	}
	s := offline(t, config.Database{Name: "hub"})
	now := time.Unix(1700000000, 0)
	r := s.result(o, "", comparison{}, "", now)
	if r.Status != sources.Crit || r.Value != nil || r.Facts["lag_s"] != nil || r.Facts["lag_source"] != nil {
		t.Fatalf("result: %s", describeResult(r))
	}
	if r.Facts["io_running"] != true || r.Facts["sql_running"] != false || r.Facts["role"] != "replica" ||
		r.Facts["dialect"] != "mysql" || !strings.Contains(r.Facts["last_error"].(string), "Duplicate entry") {
		t.Errorf("facts %v", r.Facts)
	}
	if !strings.Contains(r.Detail, "west: SQL thread stopped: Could not execute") || !strings.Contains(r.Detail, "super-read-only") {
		t.Errorf("detail %q", r.Detail)
	}
	if len(r.Series) != 3 || r.Series[1].Name != "east" || *r.Series[1].Value != 3 ||
		r.Series[2].Name != "west" || r.Series[2].Value != nil || !r.Series[2].Points[0].Null || r.Series[2].Status != sources.Crit {
		t.Errorf("series %+v", r.Series)
	}
}

func TestResultAuroraReader(t *testing.T) {
	info, _ := classify("8.0.32", "Source distribution", "3.05.2")
	rows := recorded(t, "aurora-replica-host-status.txt")
	h := parseAuroraHost(rows[1])
	o := &observation{info: info, aurora: &h, vars: row{"read_only": strp("0"), "innodb_read_only": strp("1")}}
	s := offline(t, config.Database{Name: "reader", Lag: config.DurationLimits{Warn: config.Duration(10 * time.Millisecond)}})
	r := s.result(o, "read_only", comparison{}, "", time.Now())
	if r.Status != sources.Warn || r.Value == nil || *r.Value != 0.01825 || r.Facts["lag_source"] != "aurora" ||
		r.Facts["role"] != "replica" || r.Facts["read_only"] != true || r.Facts["io_running"] != nil ||
		r.Facts["version"] != "8.0.32 (Aurora 3.05.2)" || r.Facts["dialect"] != "aurora" {
		t.Fatalf("aurora reader: %s", describeResult(r))
	}
	if r.Detail != "0.0 s lag · aurora · read-only ✓" {
		t.Errorf("detail %q", r.Detail)
	}
}

func strp(s string) *string { return &s }
