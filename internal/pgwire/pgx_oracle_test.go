package pgwire

import (
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestParseConfigAgainstPgx reads the same DSNs with pgx's parser (the client warroom used
// before; test-only now) and compares what both make of them: host, port, user, password,
// database, connect timeout and run-time parameters. (hostaddr is left out: pgx v5.12 sends
// it to the server as a run-time parameter; this client dials it, as libpq does.)
func TestParseConfigAgainstPgx(t *testing.T) {
	clearEnv(t)
	for _, dsn := range []string{
		"postgres://warroom:s3cret@db.example:6432/app?sslmode=disable",
		"postgresql://warroom:p%40ss%2Fw%3Ard@db.example/app%20db?sslmode=require",
		"postgres://u@[2001:db8::1]:5433/d?application_name=wr&search_path=a,b",
		"postgres://u:pw@10.0.0.1/d?options=-c%20statement_timeout%3D5s&connect_timeout=7",
		"postgres:///app?host=/var/run/pg&port=5433&user=me&sslmode=disable",
		"postgres://u@h/d?dbname=other&sslmode=disable",
		"postgres://u@h/d?database=other",
		"postgres://h",
		"postgres://u:@h/d",
		"host=db port=5433 user=warroom password='it\\'s a \\\\ pw' dbname=app sslmode=disable",
		"host = db user=w password=un\\ quoted application_name='my app' search_path=x",
		"host=/tmp port=5999 user=u dbname=d",
		"user=u dbname=d connect_timeout=10 sslmode=prefer",
		"host=h user=u password='' dbname=d",
	} {
		mine, err := ParseConfig(dsn)
		if err != nil {
			t.Errorf("%s: %v", dsn, err)
			continue
		}
		theirs, err := pgconn.ParseConfig(dsn)
		if err != nil {
			t.Errorf("pgx: %s: %v", dsn, err)
			continue
		}
		if got := [...]any{mine.Host, mine.Port, mine.User, mine.Password, mine.Database, mine.ConnectTimeout}; got !=
			[...]any{theirs.Host, int(theirs.Port), theirs.User, theirs.Password, theirs.Database, theirs.ConnectTimeout} {
			t.Errorf("%s:\n mine %v\n pgx  %v %v %v %v %v %v", dsn, got, theirs.Host, theirs.Port, theirs.User,
				theirs.Password, theirs.Database, theirs.ConnectTimeout)
		}
		if len(mine.RuntimeParams) != len(theirs.RuntimeParams) {
			t.Errorf("%s: run-time parameters %v, pgx %v", dsn, mine.RuntimeParams, theirs.RuntimeParams)
		}
		for k, v := range theirs.RuntimeParams {
			if mine.RuntimeParams[k] != v {
				t.Errorf("%s: %s = %q, pgx %q", dsn, k, mine.RuntimeParams[k], v)
			}
		}
	}
}
