package postgres

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/postgres/pgtest"
)

// freeze makes the primary read-only the way a cutover does (default_transaction_read_only
// for the server) until the test ends.
func freeze(t *testing.T, c *pgtest.Cluster) {
	t.Helper()
	exec(t, c.Primary, "ALTER SYSTEM SET default_transaction_read_only = on", "SELECT pg_reload_conf()")
	t.Cleanup(func() {
		exec(t, c.Primary, "SET default_transaction_read_only = off", "ALTER SYSTEM RESET default_transaction_read_only",
			"SELECT pg_reload_conf()")
	})
	time.Sleep(200 * time.Millisecond) // every backend has read the new setting
}

// TestFrozenPrimary: once expected read-only, the frozen primary stays ok over ten quiet
// minutes (simulated: 20 polls 30 s apart with checkpoints, WAL switches, ANALYZE, VACUUM,
// a stats reset and refused application writes in between), then a write that
// gets past the freeze (SET TRANSACTION READ WRITE) is crit within two scheduler intervals,
// names the table, rows, xid and WAL that moved, and stays until the expectation changes.
func TestFrozenPrimary(t *testing.T) {
	c := needCluster(t)
	exec(t, c.Primary, "INSERT INTO orders (amount) SELECT 1 FROM generate_series(1, 3000)",
		"UPDATE orders SET amount = 2 WHERE id % 3 = 0") // work for autovacuum after the freeze
	exp := sources.NewExpectations(map[string]string{"primary": "writable"})
	all := trio()
	s := newSource(t, all[0], all, exp)
	clock := time.Date(2026, 11, 22, 2, 30, 0, 0, time.Local)
	s.now = func() time.Time { return clock }
	if r := poll(s); r.Status != sources.OK || !strings.Contains(r.Detail, "writable ✓") {
		t.Fatalf("writable primary: %s", describeResult(r))
	}
	freeze(t, c)
	exp.Set("primary", "read_only")
	t.Run("ten quiet minutes", func(t *testing.T) { quietMinutes(t, c, s, &clock) })
	t.Run("stray write", func(t *testing.T) { strayWrite(t, c, s, exp) })
}

func quietMinutes(t *testing.T, c *pgtest.Cluster, s *Source, clock *time.Time) {
	const marks = "pg_current_wal_lsn()::text || ' ' || txid_snapshot_xmax(txid_current_snapshot())"
	before := query(t, c.Primary, marks)
	noise := []string{"CHECKPOINT", "SELECT pg_switch_wal()", "ANALYZE", "VACUUM orders", "SELECT pg_stat_reset()",
		"SELECT pg_sleep(0.1)", "VACUUM ANALYZE", "SELECT count(*) FROM orders"}
	for i := range 20 {
		exec(t, c.Primary, noise[i%len(noise)])
		if i%5 == 2 {
			err := execApp(c, "INSERT INTO orders (amount) VALUES (3)")
			if err == nil || !strings.Contains(err.Error(), "read-only transaction") {
				t.Fatalf("an application write on the frozen primary: %v, want a read-only error", err)
			}
		}
		time.Sleep(150 * time.Millisecond)
		*clock = clock.Add(30 * time.Second)
		r := poll(s)
		if r.Status != sources.OK || r.Facts["stray_writes"] != false || r.Facts["read_only"] != true ||
			!strings.Contains(r.Detail, "read-only ✓") || len(r.Events) > 0 {
			t.Fatalf("quiet minute %.1f after %q: %s", float64(i+1)/2, noise[i%len(noise)], describeResult(r))
		}
	}
	// The noise was real: WAL position and transaction ids moved, which is why neither is the trigger.
	bl, bx, _ := strings.Cut(before, " ")
	al, ax, _ := strings.Cut(query(t, c.Primary, marks), " ")
	if bl == al || bx == ax {
		t.Errorf("the quiet minutes moved neither WAL (%s → %s) nor xids (%s → %s): the test proves nothing", bl, al, bx, ax)
	}
}

func strayWrite(t *testing.T, c *pgtest.Cluster, s *Source, exp *sources.Expectations) {
	s.now = time.Now
	r := strayUnderScheduler(t, s, func() {
		exec(t, c.Primary, "BEGIN", "SET TRANSACTION READ WRITE", "INSERT INTO orders (amount) VALUES (-1)", "COMMIT")
	})
	if r.Status != sources.Crit || r.Failed || !strings.HasPrefix(r.Detail, "STRAY WRITE orders +1 row · xid +") ||
		!strings.Contains(r.Detail, " since ") || !strings.Contains(r.Detail, "read-only ✓") {
		t.Fatalf("stray write: %s", describeResult(r))
	}
	if d, _ := r.Facts["stray_detail"].(string); !strings.HasPrefix(d, "orders +1 row") {
		t.Errorf("stray_detail %q", d)
	}
	if len(r.Events) != 1 || !strings.HasPrefix(r.Events[0], "stray write orders +1 row") {
		t.Errorf("events %q", r.Events)
	}
	for range 2 {
		exec(t, c.Primary, "CHECKPOINT")
		if r := poll(s); r.Status != sources.Crit || len(r.Events) != 0 || r.Facts["stray_writes"] != true {
			t.Fatalf("a stray write stays crit until the operator acts: %s", describeResult(r))
		}
	}
	exp.Set("primary", "writable") // the operator reopens the freeze
	if r := poll(s); r.Status != sources.Warn || r.Facts["stray_writes"] != false || !strings.Contains(r.Detail, "read-only, expected writable") {
		t.Fatalf("expected writable but read-only: %s", describeResult(r))
	}
	exp.Set("primary", "read_only")
	if r := poll(s); r.Status != sources.OK {
		t.Fatalf("read-only again with a new starting point: %s", describeResult(r))
	}
}

// execApp runs one statement as the application account.
func execApp(c *pgtest.Cluster, stmt string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := newNode("app", c.Primary.DSN(pgtest.AppUser, pgtest.AppPassword, pgtest.DB), 5*time.Second, true)
	if err != nil {
		return err
	}
	if err := n.connect(ctx); err != nil {
		return err
	}
	defer n.close()
	_, err = n.conn.Exec(ctx, stmt)
	return err
}

// strayUnderScheduler polls s with the real scheduler, runs write after the first poll, and
// returns the first report of the stray write, which must come within two intervals.
func strayUnderScheduler(t *testing.T, s *Source, write func()) sources.Result {
	t.Helper()
	const interval = 500 * time.Millisecond
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
	if r := <-reports; r.Result.Status != sources.OK {
		t.Fatalf("before the write: %s", describeResult(r.Result))
	}
	write()
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
	if took := time.Since(wrote); took > 2*interval {
		t.Errorf("stray write reported after %v, want within two intervals (%v)", took, 2*interval)
	}
	return r
}
