package postgres

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// TestPausedReplayGrowsLag: with replay paused on the standby (pg_wal_replay_pause()) and
// the primary writing, the standby is crit, sql_running is false, and its lag grows both by
// replay time and by the heartbeat, while its byte lag is counted; after resuming it drains.
func TestPausedReplayGrowsLag(t *testing.T) {
	c := needCluster(t)
	writeLoad(t)
	all := trio()
	hb := all[1]
	hb.Name = "standby-hb"
	hb.Heartbeat = &config.Heartbeat{Table: "public.heartbeat", SourceServerID: 1}
	all = append(all, hb)
	replay, beat := newSource(t, all[1], all, nil), newSource(t, hb, all, nil)
	for _, s := range []*Source{replay, beat} {
		pollUntil(t, s, 10*time.Second, "ok before the pause", func(r sources.Result) bool {
			return r.Status == sources.OK && lagOf(r) >= 0 && lagOf(r) < 2
		})
	}
	exec(t, c.Standby, "SELECT pg_wal_replay_pause()")
	resumed := false
	t.Cleanup(func() {
		if !resumed {
			exec(t, c.Standby, "SELECT pg_wal_replay_resume()")
		}
	})
	time.Sleep(2500 * time.Millisecond)
	for _, s := range []*Source{replay, beat} {
		r := poll(s)
		if r.Status != sources.Crit || lagOf(r) < 2 || r.Facts["sql_running"] != false || r.Facts["io_running"] != true ||
			!strings.Contains(r.Detail, "replay paused") {
			t.Fatalf("%s paused: %s", s.Name(), describeResult(r))
		}
		if b, _ := r.Facts["lag_bytes"].(float64); b <= 0 {
			t.Errorf("%s: lag_bytes %v while paused under load", s.Name(), r.Facts["lag_bytes"])
		}
	}
	if r := poll(beat); r.Facts["lag_source"] != "heartbeat" {
		t.Errorf("heartbeat source: %s", describeResult(r))
	}
	first := lagOf(poll(replay))
	time.Sleep(time.Second)
	if again := lagOf(poll(replay)); again < first+0.5 {
		t.Errorf("lag did not grow while paused: %.2f then %.2f", first, again)
	}
	exec(t, c.Standby, "SELECT pg_wal_replay_resume()")
	resumed = true
	for _, s := range []*Source{replay, beat} {
		pollUntil(t, s, 10*time.Second, "drained after resuming", func(r sources.Result) bool {
			return r.Status == sources.OK && lagOf(r) >= 0 && lagOf(r) < 2
		})
	}
}

// TestIdlePrimaryIsNotLag: with nothing written for a while, the standby's last replayed
// transaction grows old, but it has replayed everything it received: lag 0, not the age.
func TestIdlePrimaryIsNotLag(t *testing.T) {
	c := needCluster(t)
	all := trio()
	all[1].ReplicaOf = "" // by the standby's own LSNs, not the primary's
	s := newSource(t, all[1], all, nil)
	exec(t, c.Primary, "INSERT INTO orders (amount) VALUES (7)")
	time.Sleep(2 * time.Second)
	r := pollUntil(t, s, 10*time.Second, "lag 0 on an idle primary", func(r sources.Result) bool {
		return r.Status == sources.OK && lagOf(r) == 0
	})
	if age := query(t, c.Standby, "extract(epoch FROM now() - pg_last_xact_replay_timestamp()) > 1.5"); age != "true" {
		t.Errorf("the last replayed transaction should be older than 1.5 s: %s", age)
	}
	if r.Facts["lag_source"] != "replay" {
		t.Errorf("lag_source %v", r.Facts["lag_source"])
	}
}

// TestStoppedSubscription: ALTER SUBSCRIPTION … DISABLE stops the apply worker: the
// subscriber is crit with lag unknown (never 0), and the publisher warns that the slot is
// inactive while it holds WAL back; enabled again, both recover.
func TestStoppedSubscription(t *testing.T) {
	c := needCluster(t)
	all := trio()
	pub, sub := newSource(t, all[0], all, nil), newSource(t, all[2], all, nil)
	exec(t, c.Subscriber, "ALTER SUBSCRIPTION sub DISABLE")
	enabled := false
	t.Cleanup(func() {
		if !enabled {
			exec(t, c.Subscriber, "ALTER SUBSCRIPTION sub ENABLE")
		}
	})
	r := pollUntil(t, sub, 10*time.Second, "crit with the subscription disabled", func(r sources.Result) bool {
		return r.Status == sources.Crit && strings.Contains(r.Detail, "subscription sub disabled")
	})
	if r.Facts["lag_s"] != nil || r.Facts["io_running"] != false || r.Failed || r.Facts["last_error"] != "subscription sub disabled" {
		t.Errorf("disabled: %s", describeResult(r))
	}
	writeLoad(t)
	r = pollUntil(t, pub, 10*time.Second, "slot sub inactive", func(r sources.Result) bool {
		return r.Status == sources.Warn && strings.Contains(r.Detail, "slot sub inactive, retaining")
	})
	exec(t, c.Subscriber, "ALTER SUBSCRIPTION sub ENABLE")
	enabled = true
	pollUntil(t, sub, 15*time.Second, "applying again", func(r sources.Result) bool {
		return lagOf(r) >= 0 && lagOf(r) < 2 && r.Facts["io_running"] == true
	})
	pollUntil(t, pub, 15*time.Second, "slot active again", func(r sources.Result) bool {
		return r.Status == sources.OK
	})
}

// TestLostSlot: a slot whose WAL was removed (max_slot_wal_keep_size) is lost: crit on the
// node that holds it, since its consumer can never catch up. The slot is made on the
// subscriber's server, whose WAL nobody else needs: on the primary the churn would put the
// shared cluster's own subscription at risk too.
func TestLostSlot(t *testing.T) {
	c := needCluster(t)
	all := trio()
	holder := newSource(t, all[2], all, nil)
	exec(t, c.Subscriber, "CREATE TABLE churn (x int)",
		"SELECT pg_create_logical_replication_slot('doomed', 'pgoutput')",
		"ALTER SYSTEM SET max_slot_wal_keep_size = '2MB'", "SELECT pg_reload_conf()")
	t.Cleanup(func() {
		exec(t, c.Subscriber, "ALTER SYSTEM RESET max_slot_wal_keep_size", "SELECT pg_reload_conf()",
			"SELECT pg_drop_replication_slot('doomed')", "DROP TABLE churn")
	})
	if r := poll(holder); strings.Contains(r.Detail, "doomed lost") {
		t.Fatalf("lost before any WAL was written: %s", describeResult(r))
	}
	deadline := time.Now().Add(20 * time.Second)
	for i := 0; ; i++ {
		exec(t, c.Subscriber, "INSERT INTO churn SELECT 1 FROM generate_series(1, 2000)", "SELECT pg_switch_wal()")
		if i%4 == 3 {
			exec(t, c.Subscriber, "CHECKPOINT")
			if query(t, c.Subscriber, "(SELECT wal_status FROM pg_replication_slots WHERE slot_name = 'doomed')") == "lost" {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("slot doomed not lost within 20 s")
		}
	}
	r := poll(holder)
	if r.Status != sources.Crit || !strings.Contains(r.Detail, "slot doomed lost: its consumer can never catch up") {
		t.Fatalf("lost slot: %s", describeResult(r))
	}
	found := false
	for _, s := range r.Facts["slots"].([]map[string]any) {
		if s["slot"] == "doomed" {
			found = s["wal_status"] == "lost" && s["active"] == false && s["retained_bytes"] == nil
		}
	}
	if !found {
		t.Errorf("slots %v", r.Facts["slots"])
	}
}
