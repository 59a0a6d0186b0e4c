package postgres

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// parseExpanded reads rows printed by psql's expanded mode (\x) into row maps: an empty
// value is NULL (psql prints NULL as nothing).
func parseExpanded(text string) []row {
	var out []row
	var cur row
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "#"), strings.TrimSpace(line) == "":
		case strings.HasPrefix(line, "-[ RECORD"):
			if cur != nil {
				out = append(out, cur)
			}
			cur = row{}
		case cur != nil:
			k, v, ok := strings.Cut(line, "|")
			if !ok {
				continue
			}
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if v == "" {
				cur[k] = nil
			} else {
				cur[k] = &v
			}
		}
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}

func recorded(t *testing.T, name string) []row {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	rows := parseExpanded(string(b))
	if len(rows) == 0 {
		t.Fatalf("%s: no rows", name)
	}
	return rows
}

// TestAuroraRows: this reader's row is found by aurora_db_instance_identifier(); the
// writer's and a removed instance's rows are not used.
func TestAuroraRows(t *testing.T) {
	var hosts []auroraHost
	rows := recorded(t, "aurora-replica-status.txt")
	for _, r := range rows {
		hosts = append(hosts, parseAuroraHost(r))
	}
	now := time.Date(2026, 11, 22, 2, 40, 3, 0, time.UTC)
	if !hosts[0].Writer || hosts[0].Lag != nil || hosts[1].Writer {
		t.Errorf("writer flags: %+v", hosts)
	}
	h, ok := auroraSelf(hosts, rows[0].str("self"), now)
	if !ok || h.Lag == nil || *h.Lag != 0.01825 || h.ServerID != "market-pg-reader-1" {
		t.Errorf("reader-1 = %+v, %v", h, ok)
	}
	if _, ok := auroraSelf(hosts, "market-pg-reader-old", now); ok {
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
		db.DSN = "postgres://mon:pw@127.0.0.1:1/app"
	}
	s, err := New(db, nil, config.Defaults{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestResultAuroraReader: an Aurora reader (in recovery, no WAL receiver) takes its lag from
// its aurora_replica_status() row, not from the standby functions, and is not crit for a
// WAL receiver it never has.
func TestResultAuroraReader(t *testing.T) {
	rows := recorded(t, "aurora-replica-status.txt")
	h := parseAuroraHost(rows[1])
	on, off, yes := "on", "off", "true"
	o := &observation{info: classify("PostgreSQL 15.4 on aarch64-unknown-linux-gnu", "150004", "15.4.1"), aurora: &h,
		vars: row{"in_recovery": &yes, "default_transaction_read_only": &off, "transaction_read_only": &on, "pg_monitor": &yes}}
	s := offline(t, config.Database{Name: "reader", Lag: config.DurationLimits{Warn: config.Duration(10 * time.Millisecond)}})
	r := s.result(o, "read_only", time.Now())
	if r.Status != sources.Warn || r.Value == nil || *r.Value != 0.01825 || r.Facts["lag_source"] != "aurora" ||
		r.Facts["role"] != "replica" || r.Facts["read_only"] != true || r.Facts["replication"] != "aurora" ||
		r.Facts["version"] != "15.4 (Aurora 15.4.1)" || r.Facts["dialect"] != "aurora" {
		t.Fatalf("aurora reader: %s", describeResult(r))
	}
	if r.Detail != "0.0 s lag · aurora · in recovery ✓" {
		t.Errorf("detail %q", r.Detail)
	}
	if err := sources.CheckFacts(Kind, r.Facts); err != nil {
		t.Error(err)
	}
	if mustNotWrite("read_only", o) {
		t.Error("an Aurora reader cannot write: it is not watched for stray writes")
	}
}

func TestParseLSN(t *testing.T) {
	for in, want := range map[string]uint64{"0/0": 0, "0/3000148": 0x3000148, "16/B374D848": 0x16<<32 | 0xB374D848} {
		if got, ok := parseLSN(in); !ok || got != want {
			t.Errorf("parseLSN(%q) = %x, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "0", "x/1", "1/", "/1", "123456789/0"} {
		if _, ok := parseLSN(bad); ok {
			t.Errorf("parseLSN(%q) accepted", bad)
		}
	}
}

func TestRedactDSN(t *testing.T) {
	cases := map[string]string{
		"postgres://warroom:s3cret@db.internal:5432/app?sslmode=verify-full": "postgres://warroom:***@db.internal:5432/app",
		"postgresql://warroom@db.internal/app":                               "postgres://warroom@db.internal:5432/app",
		"host=db.internal user=warroom password=s3cret dbname=app":           "postgres://warroom:***@db.internal:5432/app",
	}
	for in, want := range cases {
		if got := RedactDSN(in); got != want {
			t.Errorf("RedactDSN(%q) = %q, want %q", in, got, want)
		}
	}
	_, err := New(config.Database{Name: "bad", DSN: "postgres://warroom:s3cret@db.internal:notaport/app"}, nil, config.Defaults{}, nil)
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("bad DSN error %v", err)
	}
}
