package mysql

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// TestHealthyReplica: a running replica with a heartbeat is ok, names its dialect and role,
// and its monitoring session is capped on the server.
func TestHealthyReplica(t *testing.T) {
	p := needPair(t)
	beats(t)
	db := dbConf("replica", p.Replica)
	db.Heartbeat = &config.Heartbeat{Table: "percona.heartbeat", SourceServerID: 1}
	db.Expect = "read_only"
	s := newSource(t, db, nil, nil)
	r := pollUntil(t, s, 10*time.Second, "heartbeat lag under 1 s", func(r sources.Result) bool {
		return r.Status == sources.OK && lagOf(r) >= 0 && lagOf(r) < 1
	})
	f := r.Facts
	want := map[string]any{"role": "replica", "read_only": true, "expect": "read_only", "io_running": true,
		"sql_running": true, "lag_source": "heartbeat", "stray_writes": false, "dialect": "mariadb", "last_error": ""}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("fact %s = %v, want %v", k, f[k], v)
		}
	}
	if v, _ := f["version"].(string); !strings.Contains(v, "MariaDB") {
		t.Errorf("version fact %q does not name MariaDB", v)
	}
	if r.Value == nil || *r.Value != lagOf(r) || r.Unit != "s" {
		t.Errorf("value %v %q, want the lag in s", deref(r.Value), r.Unit)
	}
	if !strings.Contains(r.Detail, "s lag · heartbeat") || !strings.Contains(r.Detail, "read-only ✓") {
		t.Errorf("detail %q", r.Detail)
	}
	if got := sessionVar(t, s.node.db, "max_statement_time"); !strings.HasPrefix(got, "2") {
		t.Errorf("max_statement_time of the monitoring session = %q, want 2 (the timeout)", got)
	}
}

// TestLagWhileSQLThreadStopped: with the SQL thread stopped the heartbeat lag keeps growing
// and the replica-status lag is unknown (null, never 0); both are crit with the thread named;
// once the thread runs again the lag drains.
func TestLagWhileSQLThreadStopped(t *testing.T) {
	p := needPair(t)
	beats(t)
	withHB := dbConf("replica-hb", p.Replica)
	withHB.Heartbeat = &config.Heartbeat{Table: "percona.heartbeat", SourceServerID: 1}
	withHB.Lag = config.DurationLimits{Warn: config.Duration(time.Second), Crit: config.Duration(3 * time.Second)}
	hb := newSource(t, withHB, nil, nil)
	rs := newSource(t, dbConf("replica-rs", p.Replica), nil, nil)
	pollUntil(t, hb, 10*time.Second, "caught up", func(r sources.Result) bool { return r.Status == sources.OK })

	exec(t, p.Replica, "STOP SLAVE SQL_THREAD")
	t.Cleanup(func() { exec(t, p.Replica, "START SLAVE SQL_THREAD") })
	stopped := time.Now()
	last := -1.0
	for time.Since(stopped) < 2500*time.Millisecond {
		time.Sleep(250 * time.Millisecond) // wall time: the real replica's lag grows with it
		h, r := poll(hb), poll(rs)
		lag := lagOf(h)
		if h.Status != sources.Crit || h.Facts["sql_running"] != false || h.Facts["lag_source"] != "heartbeat" {
			t.Fatalf("heartbeat source while stopped: %s", describeResult(h))
		}
		if lag < last-0.05 {
			t.Fatalf("heartbeat lag went down from %.2f to %.2f while the SQL thread was stopped", last, lag)
		}
		last = lag
		if r.Status != sources.Crit || r.Value != nil || r.Facts["lag_s"] != nil || r.Facts["lag_source"] != nil {
			t.Fatalf("replica-status source while stopped: %s", describeResult(r))
		}
		if !strings.Contains(r.Detail, "SQL thread stopped") {
			t.Fatalf("detail %q does not say the SQL thread stopped", r.Detail)
		}
	}
	if elapsed := time.Since(stopped).Seconds(); last < elapsed-1.5 {
		t.Fatalf("heartbeat lag %.2f s after %.2f s stopped", last, elapsed)
	}

	exec(t, p.Replica, "START SLAVE SQL_THREAD")
	pollUntil(t, hb, 10*time.Second, "heartbeat lag drained", func(r sources.Result) bool {
		return r.Status == sources.OK && lagOf(r) >= 0 && lagOf(r) < 1
	})
	pollUntil(t, rs, 10*time.Second, "replica status lag back", func(r sources.Result) bool {
		return r.Status == sources.OK && lagOf(r) == 0 && r.Facts["lag_source"] == "replica_status"
	})
}

// TestFrozenPrimaryCaughtUp: after the freeze nobody writes heartbeats, so the heartbeat
// alone would grow forever; with the primary read-only and every GTID applied the lag is 0
// (lag_source gtid). With the primary writable again the stale heartbeat counts.
func TestFrozenPrimaryCaughtUp(t *testing.T) {
	p := needPair(t)
	db := dbConf("replica", p.Replica)
	db.ReplicaOf = "primary"
	db.Heartbeat = &config.Heartbeat{Table: "percona.heartbeat", SourceServerID: 1}
	all := []config.Database{dbConf("primary", p.Primary), db}
	exec(t, p.Primary, "REPLACE INTO percona.heartbeat (ts, server_id) VALUES (DATE_FORMAT(UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE, '%Y-%m-%dT%H:%i:%s.%f'), 1)")
	if err := p.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := newSource(t, db, all, nil)
	r := poll(s)
	if lagOf(r) < 59 || r.Facts["lag_source"] != "heartbeat" {
		t.Fatalf("stale heartbeat on a writable primary: %s", describeResult(r))
	}
	exec(t, p.Primary, "SET GLOBAL read_only = ON")
	t.Cleanup(func() { exec(t, p.Primary, "SET GLOBAL read_only = OFF") })
	r = poll(s)
	if lagOf(r) != 0 || r.Facts["lag_source"] != "gtid" || r.Status != sources.OK {
		t.Fatalf("caught up with a frozen primary: %s", describeResult(r))
	}
	exec(t, p.Replica, "STOP SLAVE SQL_THREAD")
	r = poll(s)
	exec(t, p.Replica, "START SLAVE SQL_THREAD")
	if lagOf(r) < 59 || r.Status != sources.Crit {
		t.Fatalf("frozen primary but SQL thread stopped: %s", describeResult(r))
	}
}
