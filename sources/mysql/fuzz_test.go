package mysql

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	driver "github.com/go-sql-driver/mysql"
)

// FuzzStatusRow feeds arbitrary replica-status and Aurora rows (in the \G layout) through
// makeRow, parseChannel and parseAuroraHost: nothing may panic, and what reaches the board
// stays bounded.
func FuzzStatusRow(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("*** 1. row ***\nSeconds_Behind_Master: -5\nSlave_IO_Running: Connecting\nSlave_SQL_Running: NULL\n")
	f.Add("*** 1. row ***\nREPLICA_LAG_IN_MILLISECONDS: NaN\nLAST_UPDATE_TIMESTAMP: 2026-13-45 99:99:99\n")
	f.Fuzz(func(t *testing.T, text string) {
		for _, r := range parseVertical(text) {
			c := parseChannel(r)
			if c.Lag != nil && (*c.Lag < 0 || *c.Lag != *c.Lag) {
				t.Fatalf("lag %v", *c.Lag)
			}
			if len(c.threadProblem()) > 2*maxErrorText+100 {
				t.Fatalf("thread problem too long: %d", len(c.threadProblem()))
			}
			h := parseAuroraHost(r)
			if h.Lag != nil && *h.Lag < 0 {
				t.Fatalf("aurora lag %v", *h.Lag)
			}
			auroraSelf([]auroraHost{h}, h.ServerID, time.Now())
		}
	})
}

// FuzzMariaGTIDs: a parsed list prints back to an equivalent list, and the comparisons hold
// their basic laws.
func FuzzMariaGTIDs(f *testing.F) {
	for _, s := range []string{"0-1-7", "0-1-100,0-11-4521", "1-2-3, 4-5-6", "", "0-1", "99-2-18446744073709551615"} {
		f.Add(s, "0-1-7")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ga, err := parseMariaGTIDs(a)
		if err != nil {
			return
		}
		gb, err := parseMariaGTIDs(b)
		if err != nil {
			return
		}
		var parts []string
		for _, g := range ga {
			parts = append(parts, g.String())
		}
		again, err := parseMariaGTIDs(strings.Join(parts, ","))
		if err != nil || len(again) != len(ga) {
			t.Fatalf("round trip of %q: %v %v", a, again, err)
		}
		if len(mariaNotIn(ga, ga, nil)) != 0 {
			t.Fatalf("a list has GTIDs it lacks itself: %q", a)
		}
		if !mariaCovers(ga, ga) {
			t.Fatalf("a list does not cover itself: %q", a)
		}
		for _, g := range mariaNotIn(ga, gb, nil) {
			if mariaCovers(gb, []mariaGTID{g}) && len(mariaNotIn([]mariaGTID{g}, gb, nil)) == 0 {
				t.Fatalf("%v reported missing but present in %q", g, b)
			}
		}
		mariaLocal(ga, gb)
	})
}

// FuzzMySQLGTIDSet: anything accepted splits into parts that each start with a UUID and
// rejoin into the input without spaces.
func FuzzMySQLGTIDSet(f *testing.F) {
	f.Add("6f1c1a0e-1111-11ee-9a7b-0242ac110002:1-4521:4523,\n7a2b3c4d-2222-11ee-9a7b-0242ac110003:1-880")
	f.Add("8a2b3c4d-2222-11ee-9a7b-0242ac110003:tag:5")
	f.Add("x:1")
	f.Fuzz(func(t *testing.T, s string) {
		parts, err := parseMySQLGTIDSet(s)
		if err != nil {
			return
		}
		texts := make([]string, len(parts))
		for i, p := range parts {
			if !isUUID(p.UUID) || !strings.HasPrefix(strings.ToLower(p.Text), p.UUID) {
				t.Fatalf("part %+v", p)
			}
			texts[i] = p.Text
		}
		if strings.Join(texts, ",") != strings.Join(strings.Fields(s), "") {
			t.Fatalf("parts %v do not rejoin into %q", texts, s)
		}
	})
}

// FuzzVersion: version strings never panic and classify consistently.
func FuzzVersion(f *testing.F) {
	for _, v := range []string{"10.11.19-MariaDB-0+deb12u1-log", "8.0.36", "5.5.5-10.3.39-MariaDB", "8", "..", "9999999.1.1"} {
		f.Add(v, "")
	}
	f.Fuzz(func(t *testing.T, v, aurora string) {
		info, err := classify(v, "", aurora)
		if err != nil {
			return
		}
		if info.statusQuery() == "" || info.varsQuery() == "" || len(info.Version) > 90 {
			t.Fatalf("info %+v", info)
		}
	})
}

// FuzzHeartbeatTimes: any ts/now pair gives an error or a lag that is not negative.
func FuzzHeartbeatTimes(f *testing.F) {
	f.Add("2026-11-22T02:40:00.250000", "2026-11-22 02:40:01.750000")
	f.Add("0000-00-00 00:00:00", "9999-12-31 23:59:59.999999")
	f.Fuzz(func(t *testing.T, ts, now string) {
		lag, err := heartbeatLag(ts, now)
		if err == nil && (lag < 0 || lag != lag) {
			t.Fatalf("lag %v for %q %q", lag, ts, now)
		}
		formatLag(lag)
	})
}

// FuzzRedactDSN: whatever the DSN, a password the driver would use never shows.
func FuzzRedactDSN(f *testing.F) {
	f.Add("mon:s3cret@tcp(db:3306)/shop?tls=true")
	f.Add("mon:p@ss:w/rd@tcp(10.0.0.1)/")
	f.Add("mon:s3cret@tcp(db:3306")
	f.Fuzz(func(t *testing.T, dsn string) {
		out := RedactDSN(dsn)
		if !utf8.ValidString(dsn) {
			return
		}
		cfg, err := driver.ParseDSN(dsn)
		if err != nil || len(cfg.Passwd) < 4 {
			return
		}
		rest := cfg.User + cfg.Net + cfg.Addr + cfg.DBName
		if strings.Contains(out, cfg.Passwd) && !strings.Contains(rest, cfg.Passwd) {
			t.Fatalf("password %q shown in %q", cfg.Passwd, out)
		}
	})
}
