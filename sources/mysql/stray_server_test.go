package mysql

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// TestStrayWriteOnReplica: a write on the replica is crit within one scheduler interval,
// names the GTID and logs one event; it stays crit poll after poll until the primary has
// that GTID too. (The test writes in GTID domain 99 so that the shared pair keeps
// replicating domain 0 afterwards.)
func TestStrayWriteOnReplica(t *testing.T) {
	p := needPair(t)
	replica := dbConf("replica", p.Replica)
	replica.ReplicaOf = "primary"
	all := []config.Database{dbConf("primary", p.Primary), replica}
	s := newSource(t, replica, all, nil)
	local := newSource(t, dbConf("replica-alone", p.Replica), nil, nil) // no replica_of: MariaDB's local check
	if r := poll(s); r.Status != sources.OK || r.Facts["stray_writes"] != false {
		t.Fatalf("before the stray write: %s", describeResult(r))
	}

	r := strayUnderScheduler(t, s)
	gtid := domainGTID(query(t, p.Replica, "SELECT @@gtid_binlog_pos"), "99")
	// A stray write is an answer, not a failed poll: fresh and crit, never greyed out as stale.
	if r.Status != sources.Crit || r.Failed || r.Facts["errant_gtids"] != gtid || gtid == "" {
		t.Fatalf("stray write %s: %s", gtid, describeResult(r))
	}
	if len(r.Events) != 1 || r.Events[0] != "stray write "+gtid+" on a replica" {
		t.Errorf("events %q", r.Events)
	}
	if !strings.HasPrefix(r.Detail, "STRAY WRITE since ") || !strings.HasSuffix(r.Detail, " · "+gtid) {
		t.Errorf("detail %q", r.Detail)
	}
	if l := poll(local); l.Status != sources.Crit || l.Facts["errant_gtids"] != gtid {
		t.Errorf("local check (gtid_current_pos vs gtid_slave_pos): %s", describeResult(l))
	}
	again := poll(s)
	if again.Status != sources.Crit || len(again.Events) != 0 || again.Facts["errant_gtids"] != gtid {
		t.Fatalf("the next poll must stay crit without a new event: %s", describeResult(again))
	}

	// Reconcile: the same GTID is applied on the primary (as a DBA injects an errant GTID).
	exec(t, p.Primary, "SET SESSION gtid_domain_id = 99", "SET SESSION server_id = 2",
		"SET SESSION gtid_seq_no = "+strings.Split(gtid, "-")[2],
		"CREATE OR REPLACE TABLE lab.reconciled (id int)")
	after := poll(s)
	if after.Status != sources.OK || after.Facts["stray_writes"] != false || after.Facts["errant_gtids"] != "" {
		t.Fatalf("after reconciling: %s", describeResult(after))
	}
}

// TestStrayWriteOnFrozenPrimary: the old primary after the freeze has no replication source;
// a write that gets past read_only (a SUPER user, or a heartbeat updater left running) moves
// its GTIDs and is a stray write that stays until the operator changes the expectation.
func TestStrayWriteOnFrozenPrimary(t *testing.T) {
	p := needPair(t)
	exp := sources.NewExpectations(map[string]string{"old": "writable"})
	s := newSource(t, dbConf("old", p.Primary), nil, exp)
	if r := poll(s); r.Status != sources.OK || r.Facts["role"] != "primary" || r.Detail != "writable ✓" {
		t.Fatalf("writable primary: %s", describeResult(r))
	}
	exp.Set("old", "read_only")
	if r := poll(s); r.Status != sources.Crit || !strings.Contains(r.Detail, "WRITABLE, expected read-only") {
		t.Fatalf("expected read-only but writable: %s", describeResult(r))
	}
	exec(t, p.Primary, "SET GLOBAL read_only = ON")
	t.Cleanup(func() { exec(t, p.Primary, "SET GLOBAL read_only = OFF") })
	if r := poll(s); r.Status != sources.OK || r.Detail != "read-only ✓" || r.Facts["read_only"] != true {
		t.Fatalf("frozen: %s", describeResult(r))
	}
	// read_only stops an application account: no stray write.
	if err := execAs(p.Primary.DSN("app", "app-pw", ""), "INSERT INTO lab.orders (created, amount) VALUES (NOW(6), 1)"); err == nil ||
		!strings.Contains(err.Error(), "1290") {
		t.Fatalf("app write on a read-only primary: %v, want error 1290", err)
	}
	if r := poll(s); r.Status != sources.OK {
		t.Fatalf("after a refused write: %s", describeResult(r))
	}
	exec(t, p.Primary, "INSERT INTO lab.orders (created, amount) VALUES (NOW(6), 2)") // root gets past read_only
	gtid := domainGTID(query(t, p.Primary, "SELECT @@gtid_binlog_pos"), "0")
	r := poll(s)
	if r.Status != sources.Crit || r.Facts["stray_writes"] != true || r.Facts["errant_gtids"] != gtid {
		t.Fatalf("stray write %s: %s", gtid, describeResult(r))
	}
	if len(r.Events) != 1 || r.Events[0] != "stray write "+gtid+" on a node expected read-only" {
		t.Errorf("events %q", r.Events)
	}
	if !strings.Contains(r.Detail, "read-only ✓") {
		t.Errorf("detail %q should still show the read-only state", r.Detail)
	}
	for range 2 {
		if r := poll(s); r.Status != sources.Crit || len(r.Events) != 0 {
			t.Fatalf("a stray write stays crit until the operator acts: %s", describeResult(r))
		}
	}
	exp.Set("old", "writable") // the operator reopens the freeze: writes are expected again
	r = poll(s)
	if r.Status != sources.Warn || r.Facts["stray_writes"] != false || !strings.Contains(r.Detail, "read-only, expected writable") {
		t.Fatalf("expected writable but read-only: %s", describeResult(r))
	}
	exp.Set("old", "read_only")
	if r := poll(s); r.Status != sources.OK {
		t.Fatalf("read-only again with a new starting point: %s", describeResult(r))
	}
}

// execAs runs one statement with a DSN.
func execAs(dsn, stmt string) error {
	n, err := newNode("x", dsn, 5*time.Second)
	if err != nil {
		return err
	}
	db, err := n.open(nil)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(stmt)
	return err
}

// strayUnderScheduler polls s with the real scheduler, writes on the replica (in domain 99,
// with an id the primary never hands out, so that replication of domain 0 carries on), and
// returns the first report of the stray write, which must come within one interval.
func strayUnderScheduler(t *testing.T, s *Source) sources.Result {
	t.Helper()
	const interval = 400 * time.Millisecond
	reports := make(chan sources.Report, 64)
	ctx, cancel := context.WithCancel(context.Background())
	sched := sources.NewScheduler([]sources.Job{sources.Single(s, interval, 2*time.Second)},
		func(r sources.Report, _ time.Time) {
			select {
			case reports <- r:
			default:
			}
		})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); sched.Run(ctx) }()
	defer func() { cancel(); wg.Wait() }()
	<-reports // the first poll, before the write

	id := fmt.Sprint(1_000_000_000 + time.Now().UnixNano()%1_000_000_000)
	exec(t, pair.Replica, "SET STATEMENT gtid_domain_id = 99 FOR INSERT INTO lab.orders (id, created, amount) VALUES ("+id+", NOW(6), -1)")
	wrote := time.Now()
	var r sources.Result
	for r.Facts["stray_writes"] != true {
		select {
		case rep := <-reports:
			r = rep.Result
		case <-time.After(3 * interval):
			t.Fatalf("no stray write reported %v after the write; last %s", time.Since(wrote), describeResult(r))
		}
	}
	if took := time.Since(wrote); took > interval+time.Second {
		t.Errorf("stray write reported after %v, want within one interval (%v) plus a poll", took, interval)
	}
	return r
}
