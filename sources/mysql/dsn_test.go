package mysql

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
)

func TestRedactDSN(t *testing.T) {
	cases := map[string]string{
		"mon:s3cret@tcp(db.internal:3306)/shop?tls=true": "mon:***@tcp(db.internal:3306)/shop",
		"mon@tcp(127.0.0.1:3306)/":                       "mon@tcp(127.0.0.1:3306)/",
		"mon:p@ss:w/rd@tcp(10.0.0.1)/":                   "mon:***@tcp(10.0.0.1:3306)/",
		"root:x@unix(/run/mysqld/mysqld.sock)/":          "root:***@unix(/run/mysqld/mysqld.sock)/",
		"/":                                              "tcp(127.0.0.1:3306)/",
		// unparseable: the credentials still go
		"mon:s3cret@tcp(db:3306)/shop?timeout=zz": "mon:***@tcp(db:3306)/shop",
		"mon:s3cret@tcp(db:3306":                  "mon:***@tcp(db:3306",
	}
	for in, want := range cases {
		if got := RedactDSN(in); got != want {
			t.Errorf("RedactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewRejects(t *testing.T) {
	all := []config.Database{{Name: "a", DSN: "u:p@tcp(h)/"}}
	cases := map[string]config.Database{
		"expect":     {Name: "x", DSN: "u:p@tcp(h)/", Expect: "maybe"},
		"replica_of": {Name: "x", DSN: "u:p@tcp(h)/", ReplicaOf: "nope"},
		"itself":     {Name: "a", DSN: "u:p@tcp(h)/", ReplicaOf: "a"},
		"heartbeat":  {Name: "x", DSN: "u:p@tcp(h)/", Heartbeat: &config.Heartbeat{Table: "a.b.c"}},
		"dsn":        {Name: "x", DSN: "u:hunter22@tcp(h"},
	}
	for what, db := range cases {
		_, err := New(db, all, config.Defaults{}, nil)
		if err == nil {
			t.Errorf("%s: accepted", what)
			continue
		}
		if strings.Contains(err.Error(), "hunter22") || !strings.Contains(err.Error(), `"`+db.Name+`"`) {
			t.Errorf("%s: error %q", what, err)
		}
	}
}

func TestDefaults(t *testing.T) {
	d := config.Defaults{Interval: config.Duration(7 * time.Second)}
	db := config.Database{Timeout: config.Duration(time.Second)}
	if Interval(db, d) != 7*time.Second || Timeout(db, d) != time.Second ||
		Interval(config.Database{}, config.Defaults{}) != 5*time.Second || Timeout(config.Database{}, config.Defaults{}) != 3*time.Second {
		t.Error("interval/timeout defaults")
	}
}

func TestQuoteTable(t *testing.T) {
	got, err := quoteTable("percona.heartbeat")
	if err != nil || got != "`percona`.`heartbeat`" {
		t.Errorf("%q %v", got, err)
	}
	if got, _ := quoteTable("we`ird"); got != "`we``ird`" {
		t.Errorf("backtick quoting: %q", got)
	}
	for _, bad := range []string{"", ".", "a..b", "a.b.c", strings.Repeat("x", 65)} {
		if _, err := quoteTable(bad); err == nil {
			t.Errorf("quoteTable(%q) accepted", bad)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := []struct{ version, comment, aurora, dialect, status string }{
		{"10.11.19-MariaDB-0+deb12u1-log", "Debian 12", "", "mariadb", "SHOW ALL SLAVES STATUS"},
		{"5.5.5-10.3.39-MariaDB", "", "", "mariadb", "SHOW ALL SLAVES STATUS"},
		{"8.0.36-0ubuntu0.22.04.1", "(Ubuntu)", "", "mysql", "SHOW REPLICA STATUS"},
		{"8.0.21", "MySQL Community Server - GPL", "", "mysql", "SHOW SLAVE STATUS"},
		{"5.7.44-log", "MySQL Community Server (GPL)", "", "mysql", "SHOW SLAVE STATUS"},
		{"8.0.28", "Source distribution", "3.02.0", "aurora", "SHOW REPLICA STATUS"},
		{"5.7.12", "MySQL Community Server (GPL)", "2.11.2", "aurora", "SHOW SLAVE STATUS"},
	}
	for _, c := range cases {
		info, err := classify(c.version, c.comment, c.aurora)
		if err != nil || info.Dialect != c.dialect || info.statusQuery() != c.status {
			t.Errorf("classify(%q) = %+v, %v", c.version, info, err)
		}
	}
	my84, _ := classify("8.4.3", "", "")
	if my84.binlogQuery() != "SHOW BINARY LOG STATUS" || my84.capParams(2 * time.Second)["max_execution_time"] != "2000" {
		t.Errorf("8.4: %q %v", my84.binlogQuery(), my84.capParams(2*time.Second))
	}
	maria, _ := classify("10.6.18-MariaDB", "", "")
	if maria.capParams(1500 * time.Millisecond)["max_statement_time"] != "1.500" || !strings.Contains(maria.varsQuery(), "gtid_slave_pos") {
		t.Errorf("mariadb: %v %q", maria.capParams(1500*time.Millisecond), maria.varsQuery())
	}
	if _, err := classify("", "", ""); err == nil {
		t.Error("empty version accepted")
	}
}

func TestHeartbeatLag(t *testing.T) {
	lag, err := heartbeatLag("2026-11-22T02:40:00.250000", "2026-11-22 02:40:01.750000")
	if err != nil || lag != 1.5 {
		t.Errorf("lag %v %v", lag, err)
	}
	if lag, err := heartbeatLag("2026-11-22T02:40:02.000000", "2026-11-22 02:40:01.000000"); lag != 0 || err != nil {
		t.Errorf("a heartbeat 1 s in the future (clocks a little apart) is 0 lag, got %v %v", lag, err)
	}
	_, err = heartbeatLag("2026-11-22T11:39:41.000000", "2026-11-22 02:40:01.000000")
	if err == nil || err.Error() != "heartbeat is 8h59m in the future: is the writer using --utc?" {
		t.Errorf("a heartbeat 9 h ahead: %v, want an error saying so", err)
	}
	if _, err := heartbeatLag("2026-11-22T02:40:03.500000", "2026-11-22 02:40:01.000000"); err == nil ||
		!strings.Contains(err.Error(), "2.5s in the future") {
		t.Errorf("a heartbeat 2.5 s ahead (beyond the tolerance): %v", err)
	}
	if _, err := heartbeatLag("yesterday", "2026-11-22 02:40:01"); err == nil {
		t.Error("bad ts accepted")
	}
	hb, _ := newHeartbeat(&config.Heartbeat{Table: "percona.heartbeat", UTC: ptr(false)})
	if q := hb.query(); q != "SELECT ts, NOW(6) AS now FROM `percona`.`heartbeat` ORDER BY ts DESC LIMIT 1" {
		t.Errorf("query %q", q)
	}
	if formatLag(0.42) != "0.4 s" || formatLag(42.4) != "42 s" || formatLag(3725) != "1h02m" {
		t.Errorf("formatLag: %q %q %q", formatLag(0.42), formatLag(42.4), formatLag(3725))
	}
}
