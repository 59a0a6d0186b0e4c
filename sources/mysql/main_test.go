package mysql

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/internal/leaktest"
	"github.com/warroom-dev/warroom/internal/proctest"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/mysql/mariadbtest"
)

// pair is one MariaDB primary/replica pair shared by every test of this binary: starting
// servers is the slow part. Tests that change its state put it back.
var (
	pair    *mariadbtest.Pair
	pairErr error
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := func() int {
		pairErr = mariadbtest.Available()
		if pairErr == nil && testing.Short() && os.Getenv("WARROOM_REQUIRE_DB") != "1" {
			pairErr = errors.New("-short: servers not started")
		}
		if pairErr == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			pair, pairErr = mariadbtest.StartPair(ctx, "")
			cancel()
			if pair != nil {
				defer func() {
					if err := pair.Close(); err != nil {
						fmt.Fprintln(os.Stderr, "stop servers:", err)
					}
				}()
			}
		}
		return m.Run()
	}()
	leaktest.Exit(code)
}

// needPair skips a test without servers, or fails it when WARROOM_REQUIRE_DB=1.
func needPair(t *testing.T) *mariadbtest.Pair {
	t.Helper()
	if pair != nil {
		return pair
	}
	proctest.Missing(t, "the MariaDB servers did not start", pairErr)
	return nil
}

// dbConf is a database entry for the monitor account on s.
func dbConf(name string, s *mariadbtest.Server) config.Database {
	return config.Database{Name: name, DSN: pair.MonitorDSN(s), Timeout: config.Duration(2 * time.Second)}
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
	t.Fatalf("%s: not within %v; last result %s", s.Name(), limit, describeResult(r))
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

// exec runs statements as root on one connection (so session variables hold).
func exec(t *testing.T, s *mariadbtest.Server, stmts ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.Exec(ctx, stmts...); err != nil {
		t.Fatal(err)
	}
}

func query(t *testing.T, s *mariadbtest.Server, q string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := s.QueryString(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// domainGTID returns the entry of a GTID list for one domain ("99-2-1" for 99).
func domainGTID(list string, domain string) string {
	for _, g := range strings.Split(list, ",") {
		if strings.HasPrefix(g, domain+"-") {
			return g
		}
	}
	return ""
}

// beats runs a pt-heartbeat-like updater on the primary (as root, every 100 ms) until the
// test ends. Write errors (the primary down) are ignored, as pt-heartbeat retries.
func beats(t *testing.T) {
	t.Helper()
	db, err := pair.Primary.Open()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			bctx, bcancel := context.WithTimeout(ctx, time.Second)
			_ = mariadbtest.Beat(bctx, db, 1, time.Now())
			bcancel()
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
		_ = db.Close()
	})
	if err := pair.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// sessionVar reads a session variable through the source's own pool.
func sessionVar(t *testing.T, db *sql.DB, name string) string {
	t.Helper()
	var v string
	if err := db.QueryRow("SELECT @@SESSION." + name).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
