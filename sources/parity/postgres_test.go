package parity

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/internal/proctest"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/postgres/pgtest"
)

// pg is one PostgreSQL primary with a logical subscriber (and a standby) shared by the
// PostgreSQL tests of this binary: market.orders and market.lines, the same rows as the
// MariaDB pair's, published by the primary. Tests change the subscriber alone (nothing
// flows back) and put it back as it was.
var (
	pg     *pgtest.Cluster
	pgErr  error
	pgDone chan struct{} // closed once the cluster has started, or failed to
)

// startPostgres starts the cluster in the background, while the MariaDB servers start.
func startPostgres() chan struct{} {
	done := make(chan struct{})
	pgDone = done
	pgErr = pgtest.Available()
	if pgErr == nil && testing.Short() && os.Getenv("WARROOM_REQUIRE_DB") != "1" {
		pgErr = errors.New("-short: servers not started")
	}
	if pgErr != nil {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
		defer cancel()
		pg, pgErr = pgtest.StartCluster(ctx, "")
		if pgErr == nil {
			pgErr = seedPostgres(ctx)
		}
	}()
	return done
}

func stopPostgres(done chan struct{}) {
	<-done
	if pg != nil {
		if err := pg.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "stop PostgreSQL servers:", err)
		}
	}
}

func seedPostgres(ctx context.Context) error {
	schema := []string{
		"CREATE SCHEMA market",
		"CREATE TABLE market.orders (id int PRIMARY KEY, status varchar(20) NOT NULL, total numeric(10,2) NOT NULL, " +
			"note text NULL, updated_at timestamptz NOT NULL DEFAULT now())",
		"CREATE TABLE market.lines (shop int NOT NULL, id int NOT NULL, qty int NOT NULL, PRIMARY KEY (shop, id))",
		// what docs/parity.md asks of the monitoring role: USAGE on the schema, SELECT on the table
		"GRANT USAGE ON SCHEMA market TO " + pgtest.MonitorUser,
		"GRANT SELECT ON market.orders, market.lines TO " + pgtest.MonitorUser,
	}
	for _, s := range []*pgtest.Server{pg.Primary, pg.Subscriber} {
		if err := s.Exec(ctx, pgtest.DB, schema...); err != nil {
			return err
		}
	}
	err := pg.Primary.Exec(ctx, pgtest.DB,
		fmt.Sprintf("INSERT INTO market.orders (id, status, total, note) SELECT g*10, 'paid', round(g/7.0, 2), "+
			"CASE WHEN g %% 3 = 0 THEN NULL ELSE '' END FROM generate_series(1, %d) g", rows),
		"INSERT INTO market.lines SELECT g % 7, g, g % 5 FROM generate_series(1, 2000) g",
		"ALTER PUBLICATION "+pgtest.Publication+" ADD TABLE market.orders, market.lines")
	if err != nil {
		return err
	}
	if err := pg.Subscriber.Exec(ctx, pgtest.DB, "ALTER SUBSCRIPTION "+pgtest.Subscription+" REFRESH PUBLICATION"); err != nil {
		return err
	}
	return pg.Sync(ctx)
}

func needPostgres(t *testing.T) {
	t.Helper()
	<-pgDone
	if pg != nil && pgErr == nil {
		return
	}
	proctest.Missing(t, "the PostgreSQL servers did not start", pgErr)
}

// onSub changes the logical subscriber alone.
func onSub(t *testing.T, stmts ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := pg.Subscriber.Exec(ctx, pgtest.DB, stmts...); err != nil {
		t.Fatal(err)
	}
}

// pgSource makes a parity source on a table between the PostgreSQL primary and subscriber.
func pgSource(t *testing.T, mod func(*config.Parity), dbs []config.Database) *Source {
	t.Helper()
	p := config.Parity{Name: "orders", Old: "old", New: "new", Table: "market.orders", Key: []string{"id"},
		Chunk: 500, ChunksPerPoll: 100, MaxLag: config.Duration(5 * time.Second), Timeout: config.Duration(10 * time.Second)}
	if mod != nil {
		mod(&p)
	}
	if dbs == nil {
		dbs = []config.Database{
			{Name: "old", DSN: pg.MonitorDSN(pg.Primary)},
			{Name: "new", DSN: pg.MonitorDSN(pg.Subscriber)},
		}
	}
	s, err := New(p, dbs, Options{Complete: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestPostgresIdentical: identical tables are equal, also when the servers' time zones differ
// (updated_at is a timestamptz, hashed in its text form: parity's sessions use UTC).
func TestPostgresIdentical(t *testing.T) {
	needPostgres(t)
	onSub(t, "ALTER SYSTEM SET timezone = 'Asia/Tokyo'", "SELECT pg_reload_conf()")
	t.Cleanup(func() { onSub(t, "ALTER SYSTEM RESET timezone", "SELECT pg_reload_conf()") })
	r := poll(t, pgSource(t, nil, nil))
	if r.Status != sources.OK || r.Facts["equal"] != true || r.Facts["method"] != "checksum" ||
		r.Facts["checked_rows"] != int64(rows) || len(ranges(t, r)) != 0 {
		t.Fatalf("identical tables on PostgreSQL: %s", show(r))
	}
	if err := sources.CheckFacts(Kind, r.Facts); err != nil {
		t.Error(err)
	}
}

// TestPostgresFindsAndLocates: on the logical subscriber, a row deleted, one changed (same
// count, same largest key), one added — each found and narrowed to at most 100 keys.
func TestPostgresFindsAndLocates(t *testing.T) {
	needPostgres(t)
	for _, tc := range []struct {
		name, change, undo string
		key                int64
		field              string
	}{
		{"deleted", "DELETE FROM market.orders WHERE id = 12340",
			"INSERT INTO market.orders SELECT * FROM market.orders_copy WHERE id = 12340", 12340, "missing_on_new"},
		{"changed", "UPDATE market.orders SET note = NULL WHERE id = 25000", // '' → NULL: the null flags tell them apart
			"UPDATE market.orders SET note = '' WHERE id = 25000", 25000, "changed"},
		{"added", "INSERT INTO market.orders (id, status, total) VALUES (33335, 'paid', 1)",
			"DELETE FROM market.orders WHERE id = 33335", 33335, "extra_on_new"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			onSub(t, "CREATE TABLE market.orders_copy AS SELECT * FROM market.orders", tc.change)
			t.Cleanup(func() { onSub(t, tc.undo, "DROP TABLE market.orders_copy") })
			r := poll(t, pgSource(t, nil, nil))
			rs := ranges(t, r)
			if r.Status != sources.Crit || r.Facts["equal"] != false || len(rs) != 1 {
				t.Fatalf("%s: %s", tc.name, show(r))
			}
			from, to := rs[0]["from"].(int64), rs[0]["to"].(int64)
			if from > tc.key || to < tc.key || (to-from)/10 >= 100 || rs[0][tc.field] != 1 {
				t.Errorf("range %v does not hold key %d within 100 keys with %s = 1", rs[0], tc.key, tc.field)
			}
			t.Logf("%s: %s", tc.name, r.Detail)
		})
	}
	if r := poll(t, pgSource(t, nil, nil)); r.Facts["equal"] != true {
		t.Fatalf("after undoing: %s", show(r))
	}
}

func TestPostgresCompositeKey(t *testing.T) {
	needPostgres(t)
	onSub(t, "UPDATE market.lines SET qty = qty + 1 WHERE shop = 6 AND id = 1000")
	t.Cleanup(func() { onSub(t, "UPDATE market.lines SET qty = qty - 1 WHERE shop = 6 AND id = 1000") })
	r := poll(t, pgSource(t, func(p *config.Parity) { p.Table = "market.lines"; p.Key = []string{"shop", "id"}; p.Chunk = 100 }, nil))
	rs := ranges(t, r)
	if r.Status != sources.Crit || len(rs) != 1 || rs[0]["changed"] != 1 {
		t.Fatalf("composite key: %s", show(r))
	}
	if from, to := rs[0]["from"].([]any), rs[0]["to"].([]any); from[0] != int64(6) || to[0] != int64(6) ||
		from[1].(int64) > 1000 || to[1].(int64) < 1000 {
		t.Errorf("range %v does not hold (6, 1000)", rs[0])
	}
}

// TestAcrossEngines: MariaDB (old) against PostgreSQL (new), the same rows on both: counts
// and key bounds only, said on the row and in the facts; equal stays null. A row the new
// side lacks is a count difference: crit with no lag known, pending while a lag explains it.
func TestAcrossEngines(t *testing.T) {
	needPair(t)
	needPostgres(t)
	dbs := []config.Database{
		{Name: "old", DSN: pair.MonitorDSN(pair.Primary)},
		{Name: "new", DSN: pg.MonitorDSN(pg.Subscriber)},
	}
	r := poll(t, pgSource(t, nil, dbs))
	if r.Status != sources.OK || r.Facts["method"] != "counts" || r.Facts["equal"] != nil || r.Facts["checked_rows"] != int64(0) ||
		r.Facts["old_rows"] != int64(rows) || r.Facts["new_rows"] != int64(rows) {
		t.Fatalf("the same rows across engines: %s", show(r))
	}
	want := "counts only: MySQL/MariaDB → PostgreSQL, row hashes are not comparable across engines · 5000 rows on old, 5000 on new · largest key 50000 on both"
	if r.Detail != want {
		t.Errorf("detail = %q, want %q", r.Detail, want)
	}
	if err := sources.CheckFacts(Kind, r.Facts); err != nil {
		t.Error(err)
	}

	onSub(t, "CREATE TABLE market.orders_copy AS SELECT * FROM market.orders WHERE id = 12340", "DELETE FROM market.orders WHERE id = 12340")
	t.Cleanup(func() {
		onSub(t, "INSERT INTO market.orders SELECT * FROM market.orders_copy", "DROP TABLE market.orders_copy")
	})
	r = poll(t, pgSource(t, nil, dbs))
	if r.Status != sources.Crit || r.Facts["equal"] != nil || r.Facts["new_rows"] != int64(rows-1) ||
		!strings.HasPrefix(r.Error, "counts differ up to key 50000: 5000 rows on old, 4999 on new (counts only:") {
		t.Fatalf("a row missing on new across engines: %s", show(r))
	}
	s := pgSource(t, func(p *config.Parity) { p.MaxLag = config.Duration(time.Minute) }, dbs)
	s.opt.Lag = func() (float64, bool) { return 30, true }
	if r := poll(t, s); r.Status != sources.OK || r.Facts["pending_rows"] != int64(1) || r.Facts["equal"] != nil {
		t.Fatalf("a count difference a 30 s lag explains is pending: %s", show(r))
	}
	s = pgSource(t, nil, dbs)
	s.opt.Lag = func() (float64, bool) { return 1, true }
	start := time.Now()
	if r := poll(t, s); r.Status != sources.Crit || time.Since(start) < 2*time.Second {
		t.Fatalf("check waits a 1 s lag out, then the count difference is crit: %s after %v", show(r), time.Since(start))
	}
}

// TestPostgresAccess: a role that may not read the table is told so, and a server that is
// not there is named without the DSN's password.
func TestPostgresAccess(t *testing.T) {
	needPostgres(t)
	dbs := []config.Database{
		{Name: "old", DSN: pg.Primary.DSN(pgtest.NoMonitorUser, pg.MonitorPassword, pgtest.DB)},
		{Name: "new", DSN: pg.MonitorDSN(pg.Subscriber)},
	}
	r := poll(t, pgSource(t, nil, dbs))
	if !r.Failed || !strings.Contains(r.Error, "table market.orders not found on old (or the monitoring user may not read it)") {
		t.Fatalf("no SELECT on the table: %s", show(r))
	}
	t.Logf("%s", r.Error)
	start := time.Now()
	dbs = []config.Database{
		{Name: "old", DSN: pg.MonitorDSN(pg.Primary)},
		{Name: "new", DSN: "postgres://warroom:secret-pw@127.0.0.1:1/lab?sslmode=disable"},
	}
	r = poll(t, pgSource(t, nil, dbs))
	if !r.Failed || strings.Contains(r.Error, "secret-pw") || strings.Contains(r.Error, pg.MonitorPassword) ||
		!strings.Contains(r.Error, "connect postgres://warroom:***@127.0.0.1:1/lab") {
		t.Fatalf("unreachable new side: %s", show(r))
	}
	t.Logf("%s (%v)", r.Error, time.Since(start))
}

// TestAcrossEnginesColumns: PostgreSQL (old) → MariaDB (new), with a column only the old side
// has: counts compare no column but the key, so it is no difference; in the reverse
// direction the detail names the engines the other way round.
func TestAcrossEnginesColumns(t *testing.T) {
	needPair(t)
	needPostgres(t)
	onSub(t, "ALTER TABLE market.orders ADD COLUMN legacy int")
	t.Cleanup(func() { onSub(t, "ALTER TABLE market.orders DROP COLUMN legacy") })
	dbs := []config.Database{
		{Name: "old", DSN: pg.MonitorDSN(pg.Subscriber)},
		{Name: "new", DSN: pair.MonitorDSN(pair.Replica)},
	}
	r := poll(t, pgSource(t, nil, dbs))
	if r.Status != sources.OK || r.Facts["method"] != "counts" || r.Facts["equal"] != nil ||
		!strings.HasPrefix(r.Detail, "counts only: PostgreSQL → MySQL/MariaDB") {
		t.Fatalf("a column only the old side has, across engines: %s", show(r))
	}
}
