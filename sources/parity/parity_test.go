package parity

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/internal/leaktest"
	"github.com/warroom-dev/warroom/internal/proctest"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/mysql/mariadbtest"
)

// pair is one MariaDB primary (old) and replica (new) shared by the tests of this binary.
// Each test changes the replica with sql_log_bin off (so nothing flows back) and puts it
// back as it was.
var (
	pair    *mariadbtest.Pair
	pairErr error
)

// rows is the size of market.orders: keys 10, 20, … so rows can be added between them.
const rows = 5000

func TestMain(m *testing.M) {
	flag.Parse()
	code := func() int {
		pairErr = mariadbtest.Available()
		if pairErr == nil && testing.Short() && os.Getenv("WARROOM_REQUIRE_DB") != "1" {
			pairErr = errors.New("-short: servers not started")
		}
		pgDone := startPostgres() // beside the MariaDB servers (postgres_test.go)
		defer stopPostgres(pgDone)
		if pairErr == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
			pair, pairErr = mariadbtest.StartPair(ctx, "")
			if pairErr == nil {
				pairErr = seed(ctx)
			}
			cancel()
			if pair != nil {
				defer pair.Close()
			}
		}
		return m.Run()
	}()
	leaktest.Exit(code)
}

func seed(ctx context.Context) error {
	err := pair.Primary.Exec(ctx,
		"CREATE DATABASE market",
		"USE market",
		"CREATE TABLE market.orders (id int NOT NULL PRIMARY KEY, status varchar(20) NOT NULL, "+
			"total decimal(10,2) NOT NULL, note text NULL, updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP)",
		fmt.Sprintf("INSERT INTO market.orders (id, status, total, note) SELECT seq*10, 'paid', seq/7, "+
			"IF(seq %% 3 = 0, NULL, '') FROM seq_1_to_%d", rows),
		"CREATE TABLE market.lines (shop int NOT NULL, id int NOT NULL, qty int NOT NULL, PRIMARY KEY (shop, id))",
		"INSERT INTO market.lines SELECT seq % 7, seq, seq % 5 FROM seq_1_to_2000",
		"GRANT SELECT ON market.* TO '"+mariadbtest.MonitorUser+"'@'%'",
	)
	if err != nil {
		return err
	}
	return pair.Sync(ctx)
}

func needPair(t *testing.T) {
	t.Helper()
	if pair != nil && pairErr == nil {
		return
	}
	proctest.Missing(t, "the MariaDB servers did not start", pairErr)
}

// onNew changes the replica alone: the statements are not written to its binlog.
func onNew(t *testing.T, stmts ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := pair.Replica.Exec(ctx, append([]string{"SET SESSION sql_log_bin = 0", "USE market"}, stmts...)...); err != nil {
		t.Fatal(err)
	}
}

func onOld(t *testing.T, stmts ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := pair.Primary.Exec(ctx, append([]string{"USE market"}, stmts...)...); err != nil {
		t.Fatal(err)
	}
}

func sync(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 35*time.Second)
	defer cancel()
	if err := pair.Sync(ctx); err != nil {
		t.Fatal(err)
	}
}

type lagged struct {
	s     float64
	known bool
}

// source makes a parity source on market.orders between the primary and the replica.
func source(t *testing.T, mod func(*config.Parity), lag *lagged, complete bool) *Source {
	t.Helper()
	p := config.Parity{Name: "orders", Old: "old", New: "new", Table: "market.orders", Key: []string{"id"},
		Chunk: 500, ChunksPerPoll: 100, MaxLag: config.Duration(5 * time.Second), Timeout: config.Duration(10 * time.Second)}
	if mod != nil {
		mod(&p)
	}
	dbs := []config.Database{
		{Name: "old", DSN: pair.MonitorDSN(pair.Primary)},
		{Name: "new", DSN: pair.MonitorDSN(pair.Replica)},
	}
	if lag == nil {
		lag = &lagged{}
	}
	s, err := New(p, dbs, Options{Lag: func() (float64, bool) { return lag.s, lag.known }, Complete: complete})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func poll(t *testing.T, s *Source) sources.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return s.Poll(ctx)
}

// ranges is the differing_ranges fact.
func ranges(t *testing.T, r sources.Result) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, x := range r.Facts["differing_ranges"].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

func TestIdentical(t *testing.T) {
	needPair(t)
	r := poll(t, source(t, nil, nil, true))
	if r.Status != sources.OK || r.Facts["equal"] != true || r.Facts["checked_rows"] != int64(rows) || len(ranges(t, r)) != 0 {
		t.Fatalf("identical tables: %s", show(r))
	}
	if !strings.HasPrefix(r.Detail, "equal · 5000 rows") {
		t.Errorf("detail = %q", r.Detail)
	}
}

// TestFindsAndLocates: a row deleted on the new side, one changed there (same count, same
// largest key), one added there — each found, and narrowed to at most 100 keys.
func TestFindsAndLocates(t *testing.T) {
	needPair(t)
	for _, tc := range []struct {
		name, change, undo string
		key                int64
		field              string
	}{
		{"deleted", "DELETE FROM market.orders WHERE id = 12340",
			"INSERT INTO market.orders SELECT * FROM market.orders_copy WHERE id = 12340", 12340, "missing_on_new"},
		{"changed", "UPDATE market.orders SET status = 'refunded' WHERE id = 25000",
			"UPDATE market.orders SET status = 'paid' WHERE id = 25000", 25000, "changed"},
		{"added", "INSERT INTO market.orders (id, status, total) VALUES (33335, 'paid', 1)",
			"DELETE FROM market.orders WHERE id = 33335", 33335, "extra_on_new"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			onNew(t, "CREATE TABLE market.orders_copy AS SELECT * FROM market.orders", tc.change)
			t.Cleanup(func() { onNew(t, tc.undo, "DROP TABLE market.orders_copy") })
			r := poll(t, source(t, nil, nil, true))
			rs := ranges(t, r)
			if r.Status != sources.Crit || r.Facts["equal"] != false || len(rs) != 1 {
				t.Fatalf("%s: %s", tc.name, show(r))
			}
			from, to := rs[0]["from"].(int64), rs[0]["to"].(int64)
			if from > tc.key || to < tc.key || (to-from)/10 >= 100 || rs[0][tc.field] != 1 {
				t.Errorf("range %v does not hold key %d within 100 keys with %s = 1", rs[0], tc.key, tc.field)
			}
			if !strings.Contains(r.Error, "differ") && !strings.Contains(r.Error, "differs") {
				t.Errorf("error = %q", r.Error)
			}
			t.Logf("%s: %s", tc.name, r.Detail)
		})
	}
	if r := poll(t, source(t, nil, nil, true)); r.Facts["equal"] != true {
		t.Fatalf("after undoing: %s", show(r))
	}
}

// TestCatchingUp: while the new side's SQL thread is stopped, rows the primary adds above
// the replica's largest key are pending, not different; a row changed below it is a
// difference when no lag is known, pending while a known lag can explain it.
func TestCatchingUp(t *testing.T) {
	needPair(t)
	onNew(t, "STOP SLAVE SQL_THREAD")
	t.Cleanup(func() { onNew(t, "START SLAVE SQL_THREAD"); sync(t) })
	onOld(t, "INSERT INTO market.orders (id, status, total) SELECT 50000 + seq*10, 'paid', 1 FROM seq_1_to_10")
	t.Cleanup(func() { onOld(t, "DELETE FROM market.orders WHERE id > 50000") })

	known := &lagged{s: 3, known: true}
	r := poll(t, source(t, nil, known, true))
	if r.Status != sources.OK || r.Facts["pending_rows"] != int64(10) || len(ranges(t, r)) != 0 || r.Facts["equal"] != false {
		t.Fatalf("rows on their way, lag known: %s", show(r))
	}
	r = poll(t, source(t, nil, nil, true))
	if r.Status != sources.Warn || len(ranges(t, r)) != 0 || r.Facts["pending_rows"] != int64(10) {
		t.Fatalf("rows on their way, no lag known: %s", show(r))
	}

	onOld(t, "UPDATE market.orders SET total = total + 1 WHERE id = 777770 OR id = 7770")
	t.Cleanup(func() { onOld(t, "UPDATE market.orders SET total = total - 1 WHERE id = 7770") })
	if r := poll(t, source(t, nil, nil, true)); r.Status != sources.Crit || len(ranges(t, r)) != 1 {
		t.Fatalf("a change below both maxima with no lag known is a difference: %s", show(r))
	}
	long := &lagged{s: 30, known: true}
	s := source(t, func(p *config.Parity) { p.MaxLag = config.Duration(time.Minute) }, long, true)
	if r := poll(t, s); r.Status != sources.OK || len(ranges(t, r)) != 0 || r.Facts["pending_rows"] != int64(11) {
		t.Fatalf("a change a 30 s lag explains is pending: %s", show(r))
	}
}

// TestIncremental: with a small budget the walk takes several polls, says how far it is,
// and only then says equal.
func TestIncremental(t *testing.T) {
	needPair(t)
	s := source(t, func(p *config.Parity) { p.Chunk = 100; p.ChunksPerPoll = 10 }, nil, false)
	var r sources.Result
	polls := 0
	for polls = 1; polls <= 20; polls++ {
		r = poll(t, s)
		if r.Facts["equal"] != nil {
			break
		}
		if got := r.Facts["checked_rows"].(int64); got != int64(polls*1000) {
			t.Fatalf("poll %d checked %d rows, want %d (10 chunks of 100)", polls, got, polls*1000)
		}
		if !strings.Contains(r.Detail, "rows checked") {
			t.Errorf("detail while walking = %q", r.Detail)
		}
	}
	if polls != 5 || r.Facts["equal"] != true || r.Facts["last_full_walk_at"] == nil {
		t.Fatalf("after %d polls: %s", polls, show(r))
	}
}

func TestPausedByLag(t *testing.T) {
	needPair(t)
	r := poll(t, source(t, nil, &lagged{s: 12, known: true}, false))
	if r.Facts["paused"] != true || r.Facts["checked_rows"] != int64(0) || !strings.HasPrefix(r.Detail, "walk paused: new lags 12s (max_lag 5s)") {
		t.Fatalf("lag above max_lag: %s", show(r))
	}
}

func TestCompositeKey(t *testing.T) {
	needPair(t)
	onNew(t, "DELETE FROM market.lines WHERE shop = 6 AND id = 1000")
	t.Cleanup(func() { onNew(t, "INSERT INTO market.lines VALUES (6, 1000, 0)") })
	r := poll(t, source(t, func(p *config.Parity) { p.Table = "market.lines"; p.Key = []string{"shop", "id"}; p.Chunk = 100 }, nil, true))
	rs := ranges(t, r)
	if r.Status != sources.Crit || len(rs) != 1 || rs[0]["missing_on_new"] != 1 {
		t.Fatalf("composite key: %s", show(r))
	}
	if from := rs[0]["from"].([]any); from[0] != int64(6) {
		t.Errorf("range %v", rs[0])
	}
}

func TestColumnsAndExclude(t *testing.T) {
	needPair(t)
	onNew(t, "UPDATE market.orders SET updated_at = updated_at + INTERVAL 1 HOUR WHERE id = 100")
	t.Cleanup(func() { onNew(t, "UPDATE market.orders SET updated_at = updated_at - INTERVAL 1 HOUR WHERE id = 100") })
	if r := poll(t, source(t, nil, nil, true)); r.Status != sources.Crit {
		t.Fatalf("updated_at compared by default: %s", show(r))
	}
	if r := poll(t, source(t, func(p *config.Parity) { p.Exclude = []string{"updated_at"} }, nil, true)); r.Facts["equal"] != true {
		t.Fatalf("exclude: [updated_at]: %s", show(r))
	}
	if r := poll(t, source(t, func(p *config.Parity) { p.Columns = []string{"status", "total"} }, nil, true)); r.Facts["equal"] != true {
		t.Fatalf("columns: [status, total]: %s", show(r))
	}
	r := poll(t, source(t, func(p *config.Parity) { p.Columns = []string{"status", "nope"} }, nil, true))
	if !r.Failed || !strings.Contains(r.Error, "column nope not found in market.orders on old") {
		t.Fatalf("unknown column: %s", show(r))
	}
}

func TestWhere(t *testing.T) {
	needPair(t)
	onNew(t, "CREATE TABLE market.orders_copy AS SELECT * FROM market.orders WHERE id = 49990", "DELETE FROM market.orders WHERE id = 49990")
	t.Cleanup(func() {
		onNew(t, "INSERT INTO market.orders SELECT * FROM market.orders_copy", "DROP TABLE market.orders_copy")
	})
	r := poll(t, source(t, func(p *config.Parity) { p.Where = "id < 40000" }, nil, true))
	if r.Facts["equal"] != true || r.Facts["old_rows"] != int64(3999) {
		t.Fatalf("where: id < 40000 leaves the change out: %s", show(r))
	}
}

func TestUnreachable(t *testing.T) {
	needPair(t)
	p := config.Parity{Name: "orders", Old: "old", New: "new", Table: "market.orders", Key: []string{"id"}, Chunk: 100}
	dbs := []config.Database{
		{Name: "old", DSN: pair.MonitorDSN(pair.Primary)},
		{Name: "new", DSN: "warroom:secret-pw@tcp(127.0.0.1:1)/"},
	}
	s, err := New(p, dbs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := poll(t, s)
	if !r.Failed || strings.Contains(r.Error, "secret-pw") || !strings.Contains(r.Error, "127.0.0.1:1") {
		t.Fatalf("unreachable new side: %s", show(r))
	}
}

func show(r sources.Result) string {
	return fmt.Sprintf("status=%s failed=%v error=%q detail=%q facts=%v", r.Status, r.Failed, r.Error, r.Detail, r.Facts)
}
