package pgwire_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/internal/pgwire"
)

func superuser(t *testing.T) *pgwire.Conn {
	t.Helper()
	c, err := open(t, dsnFor(tlsSrv, "postgres", "", "sslmode=disable"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func str(p *string) string {
	if p == nil {
		return "<NULL>"
	}
	return *p
}

// TestSimpleQuery: NULL is not "", several statements give several results, an empty
// query gives an empty result.
func TestSimpleQuery(t *testing.T) {
	need(t)
	c := superuser(t)
	ctx := context.Background()
	res, err := c.Query(ctx, "SELECT NULL::text AS n, '' AS e, 'x' AS x; SELECT g FROM generate_series(1, 3) g")
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 {
		t.Fatalf("%d results: %+v", len(res), res)
	}
	r0 := res[0]
	if strings.Join(r0.Columns, ",") != "n,e,x" || r0.Tag != "SELECT 1" || r0.Rows[0][0] != nil || str(r0.Rows[0][1]) != "" ||
		str(r0.Rows[0][2]) != "x" {
		t.Fatalf("first result %+v", r0)
	}
	if len(res[1].Rows) != 3 || str(res[1].Rows[2][0]) != "3" || res[1].Tag != "SELECT 3" {
		t.Fatalf("second result %+v", res[1])
	}
	for _, q := range []string{"", ";", " -- nothing"} {
		if res, err := c.Query(ctx, q); err != nil || len(res) != 1 || res[0].Tag != "" || res[0].Columns != nil {
			t.Fatalf("empty query %q: %+v, %v", q, res, err)
		}
	}
	if tag, err := c.Exec(ctx, "CREATE TEMP TABLE t (a int); INSERT INTO t SELECT generate_series(1, 5)"); err != nil || tag != "INSERT 0 5" {
		t.Fatalf("exec: %q, %v", tag, err)
	}
}

// TestErrorMidResult: a statement that fails after sending rows, and a later statement of
// the same query, end in a *PgError; the connection still answers after.
func TestErrorMidResult(t *testing.T) {
	need(t)
	c := superuser(t)
	ctx := context.Background()
	res, err := c.Query(ctx, "SELECT 1 AS a; SELECT 10 / (3 - g) FROM generate_series(1, 5) g; SELECT 3")
	var pe *pgwire.PgError
	if !errors.As(err, &pe) || pe.Code != "22012" || pe.Severity != "ERROR" || !strings.Contains(pe.Error(), "division by zero") {
		t.Fatalf("err = %v", err)
	}
	if len(res) != 1 || str(res[0].Rows[0][0]) != "1" {
		t.Fatalf("results before the error: %+v", res)
	}
	if c.IsClosed() {
		t.Fatal("a server error closed the connection")
	}
	if got := one(t, c, "SELECT 'still here'"); got != "still here" {
		t.Fatalf("after the error: %q", got)
	}
	if _, err := c.Query(ctx, "SELEC 1"); !errors.As(err, &pe) || pe.Code != "42601" || pe.Position != 1 {
		t.Fatalf("syntax error: %v", err)
	}
	if _, err := c.Query(ctx, "SELECT $1::int", "nope"); !errors.As(err, &pe) || pe.Code != "22P02" {
		t.Fatalf("bad argument: %v", err)
	}
	if got := one(t, c, "SELECT $1::int + 1", 41); got != "42" {
		t.Fatalf("after an extended-protocol error: %q", got)
	}
}

// TestArguments: the extended protocol binds text that the server parses, quotes and
// NULL included.
func TestArguments(t *testing.T) {
	need(t)
	c := superuser(t)
	ts := time.Date(2026, 12, 1, 3, 4, 5, 123456000, time.FixedZone("x", 3600))
	res, err := c.Query(context.Background(),
		"SELECT $1::text AS q, $2::text AS n, $3::int8 + 1 AS i, $4::float8 AS f, $5::bool AS b, "+
			"($6::timestamptz AT TIME ZONE 'UTC')::text AS ts, encode($7::bytea, 'escape') AS by, 'b' = ANY($8) AS arr, "+
			"$9::float8 AS inf, $10::numeric AS u",
		`it's "quoted" \ ;`, nil, int64(41), 2.5, true, ts, []byte("a\\b\x00c"), []string{"a", `b"\`, "b"}, math.Inf(-1), uint64(math.MaxUint64))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`it's "quoted" \ ;`, "<NULL>", "42", "2.5", "t", "2026-12-01 02:04:05.123456", `a\\b\000c`, "t", "-Infinity",
		"18446744073709551615"}
	for i, w := range want {
		if got := str(res[0].Rows[0][i]); got != w {
			t.Errorf("%s = %q, want %q", res[0].Columns[i], got, w)
		}
	}
	if _, err := c.Query(context.Background(), "SELECT $1", struct{}{}); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Fatalf("an unsupported argument: %v", err)
	}
	if got := one(t, c, "SELECT 1"); got != "1" {
		t.Fatalf("after a refused argument: %q", got)
	}
}

// TestContextEnds: a deadline during pg_sleep(5) returns promptly, closes the connection,
// and says the deadline passed; so does a cancellation.
func TestContextEnds(t *testing.T) {
	need(t)
	for _, cancelIt := range []bool{false, true} {
		c := superuser(t)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		if cancelIt {
			ctx, cancel = context.WithCancel(context.Background())
			time.AfterFunc(300*time.Millisecond, cancel)
		}
		start := time.Now()
		_, err := c.Query(ctx, "SELECT pg_sleep(5)")
		cancel()
		want := context.DeadlineExceeded
		if cancelIt {
			want = context.Canceled
		}
		if !errors.Is(err, want) || time.Since(start) > 2*time.Second {
			t.Fatalf("after %v: %v", time.Since(start), err)
		}
		if !c.IsClosed() {
			t.Fatal("the connection does not report closed")
		}
		if _, err := c.Query(context.Background(), "SELECT 1"); !errors.Is(err, pgwire.ErrClosed) {
			t.Fatalf("a query on the closed connection: %v", err)
		}
	}
}

// TestServerGoesAway: a terminated backend breaks the connection; it reports closed.
func TestServerGoesAway(t *testing.T) {
	need(t)
	c, victim := superuser(t), superuser(t)
	if _, err := c.Exec(context.Background(), "SELECT pg_terminate_backend($1)", int64(victim.PID())); err != nil {
		t.Fatal(err)
	}
	_, err := victim.Query(context.Background(), "SELECT 1")
	if err == nil || !victim.IsClosed() {
		t.Fatalf("query on a terminated session: %v, closed %v", err, victim.IsClosed())
	}
}

// TestClientEncoding: sessions ask for UTF8, so text from a LATIN1 database arrives as
// UTF-8 (chr(233) is é, not the byte 0xE9).
func TestClientEncoding(t *testing.T) {
	need(t)
	c := superuser(t)
	if _, err := c.Exec(context.Background(), "DROP DATABASE IF EXISTS latin"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(context.Background(), "CREATE DATABASE latin ENCODING 'LATIN1' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"); err != nil {
		t.Fatal(err)
	}
	l, err := open(t, strings.Replace(dsnFor(tlsSrv, "postgres", "", "sslmode=disable"), "/postgres?", "/latin?", 1))
	if err != nil {
		t.Fatal(err)
	}
	if got := one(t, l, "SELECT current_setting('client_encoding') || ' ' || chr(233)"); got != "UTF8 \u00e9" {
		t.Fatalf("got %q", got)
	}
}

// TestCloseTerminates: Close says goodbye (Terminate), so the server logs no "unexpected
// EOF" for a session closed inside a transaction; a socket merely dropped would.
func TestCloseTerminates(t *testing.T) {
	need(t)
	c := superuser(t)
	if _, err := c.Exec(context.Background(), "BEGIN; SELECT 'close-terminates-marker'"); err != nil {
		t.Fatal(err)
	}
	pid := c.PID()
	if err := c.Close(context.Background()); err != nil || !c.IsClosed() {
		t.Fatalf("close: %v, closed %v", err, c.IsClosed())
	}
	probe := superuser(t)
	deadline := time.Now().Add(5 * time.Second)
	for one(t, probe, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", int64(pid)) != "0" {
		if time.Now().After(deadline) {
			t.Fatal("the session is still there 5 s after Close")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if strings.Contains(tlsSrv.LogTail(), "unexpected EOF on client connection") {
		t.Fatalf("the server saw the connection dropped: %s", tlsSrv.LogTail())
	}
}
