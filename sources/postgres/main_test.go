package postgres

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/internal/leaktest"
	"github.com/warroom-dev/warroom/internal/proctest"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/postgres/pgtest"
)

// cluster is one primary, standby and subscriber shared by every test of this binary:
// starting servers is the slow part. Tests that change its state put it back.
var (
	cluster    *pgtest.Cluster
	clusterErr error
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := func() int {
		clusterErr = pgtest.Available()
		if clusterErr == nil && testing.Short() && os.Getenv("WARROOM_REQUIRE_DB") != "1" {
			clusterErr = errors.New("-short: servers not started")
		}
		if clusterErr == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
			cluster, clusterErr = pgtest.StartCluster(ctx, "")
			cancel()
			if cluster != nil {
				defer func() {
					if err := cluster.Close(); err != nil {
						fmt.Fprintln(os.Stderr, "stop servers:", err)
					}
				}()
			}
		}
		return m.Run()
	}()
	leaktest.Exit(code)
}

// needCluster skips a test without servers, or fails it when WARROOM_REQUIRE_DB=1.
func needCluster(t *testing.T) *pgtest.Cluster {
	t.Helper()
	if cluster != nil {
		return cluster
	}
	proctest.Missing(t, "the PostgreSQL servers did not start", clusterErr)
	return nil
}

// dbConf is a database entry for the monitor account on s.
func dbConf(name string, s *pgtest.Server) config.Database {
	return config.Database{Name: name, DSN: cluster.MonitorDSN(s), Timeout: config.Duration(2 * time.Second)}
}

// trio is the cluster's three nodes as configured databases: the standby and the
// subscriber replicate from the primary.
func trio() []config.Database {
	p, sb, sub := dbConf("primary", cluster.Primary), dbConf("standby", cluster.Standby), dbConf("subscriber", cluster.Subscriber)
	sb.ReplicaOf, sub.ReplicaOf = "primary", "primary"
	return []config.Database{p, sb, sub}
}

// newSource makes a source and closes it when the test ends.
func newSource(t *testing.T, db config.Database, all []config.Database, exp *sources.Expectations) *Source {
	t.Helper()
	s, err := New(db, all, config.Defaults{}, exp)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func poll(s *Source) sources.Result {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.Poll(ctx)
}

// pollUntil polls every 100 ms until ok accepts a result, failing after limit.
func pollUntil(t *testing.T, s *Source, limit time.Duration, what string, ok func(sources.Result) bool) sources.Result {
	t.Helper()
	deadline := time.Now().Add(limit)
	var r sources.Result
	for time.Now().Before(deadline) {
		if r = poll(s); ok(r) {
			return r
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: %s not within %v; last result %s", s.Name(), what, limit, describeResult(r))
	return r
}

func describeResult(r sources.Result) string {
	return fmt.Sprintf("status=%s value=%v error=%q detail=%q facts=%v events=%q",
		r.Status, deref(r.Value), r.Error, r.Detail, r.Facts, r.Events)
}

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// lagOf is the lag_s fact, or -1 when it is null.
func lagOf(r sources.Result) float64 {
	if v, ok := r.Facts["lag_s"].(float64); ok {
		return v
	}
	return -1
}

// exec runs statements as the superuser on the lab database, on one connection.
func exec(t *testing.T, s *pgtest.Server, stmts ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.Exec(ctx, pgtest.DB, stmts...); err != nil {
		t.Fatal(err)
	}
}

func query(t *testing.T, s *pgtest.Server, q string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := s.QueryString(ctx, pgtest.DB, q)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// writeLoad inserts an order on the primary every 100 ms (and a heartbeat for server_id 1)
// until the test ends.
func writeLoad(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c, err := cluster.Primary.Conn(ctx, pgtest.DB)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			wctx, wcancel := context.WithTimeout(ctx, time.Second)
			_, _ = c.Exec(wctx, "INSERT INTO orders (amount) VALUES (1)")
			_, _ = c.Exec(wctx, pgtest.BeatSQL, 1)
			wcancel()
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		_ = c.Close(context.Background())
	})
}
