package pgwire_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/internal/pgwire"
)

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	cfg, err := pgwire.ParseConfig(dsnFor(tlsSrv, "postgres", "", "sslmode=disable"))
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(pgwire.NewConnector(cfg))
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestDatabaseSQL: Scan converts the text values as the parity source reads them (int64,
// string, sql.NullString, bool from "t", float64); arguments, Exec's row count and
// transactions work.
func TestDatabaseSQL(t *testing.T) {
	need(t)
	db := openDB(t)
	ctx := context.Background()
	var (
		n      int64
		s      string
		null   sql.NullString
		b      bool
		f      float64
		signed string
	)
	err := db.QueryRowContext(ctx, "SELECT 42::int8, $1::text || 'b', NULL::text, true, 1.5::float8, (-5)::int8::text", "a").
		Scan(&n, &s, &null, &b, &f, &signed)
	if err != nil || n != 42 || s != "ab" || null.Valid || !b || f != 1.5 || signed != "-5" {
		t.Fatalf("scan: %v %v %q %+v %v %v %q", err, n, s, null, b, f, signed)
	}
	if err := db.QueryRowContext(ctx, "SELECT 1 WHERE false").Scan(&n); !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("no rows: %v", err)
	}
	if _, err := db.ExecContext(ctx, "DROP TABLE IF EXISTS sqltest; CREATE TABLE sqltest (k text PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	r, err := db.ExecContext(ctx, "INSERT INTO sqltest VALUES ($1), ($2), ($3)", "a", "b", "c")
	if rows, _ := r.RowsAffected(); err != nil || rows != 3 {
		t.Fatalf("insert: %v rows, %v", rows, err)
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM sqltest"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	rows, err := db.QueryContext(ctx, "SELECT k FROM sqltest WHERE k = ANY($1) ORDER BY k", []string{"a", "c", "z"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if rows.Close(); len(got) != 2 || got[0] != "a" || got[1] != "c" {
		t.Fatalf("after the rollback: %v", got)
	}
}

// TestDatabaseSQLBrokenSession: a query cut off by its context breaks that session; the
// pool drops it and the next query gets a new one.
func TestDatabaseSQLBrokenSession(t *testing.T) {
	need(t)
	db := openDB(t)
	var pid1, pid2 int64
	if err := db.QueryRow("SELECT pg_backend_pid()").Scan(&pid1); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	_, err := db.ExecContext(ctx, "SELECT pg_sleep(5)")
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("sleep: %v", err)
	}
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT pg_backend_pid()").Scan(&pid2); err != nil || pid2 == pid1 {
		t.Fatalf("after the broken session: pid %d (was %d), %v", pid2, pid1, err)
	}
}
