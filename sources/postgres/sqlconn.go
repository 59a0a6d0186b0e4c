package postgres

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/warroom-dev/warroom/internal/pgwire"
)

// Conn is a connection to one PostgreSQL server for other sources that read it (data
// parity): a small database/sql pool over internal/pgwire with the database source's
// session settings (statement_timeout and lock_timeout at the timeout,
// application_name=warroom) and timezone=UTC (so that timestamptz prints the same on every server), and
// errors in words a person can act on, the password never shown.
type Conn struct {
	n  *node // parses the DSN and describes errors; its own connection is never opened
	db *sql.DB
}

// NewConn parses dsn without connecting; name names the server in errors.
func NewConn(name, dsn string, timeout time.Duration) (*Conn, error) {
	n, err := newNode(name, dsn, timeout, true)
	if err != nil {
		return nil, err
	}
	return &Conn{n: n}, nil
}

// DB connects when not connected and returns the pool (at most two connections).
func (c *Conn) DB(ctx context.Context) (*sql.DB, error) {
	if c.db == nil {
		db := sql.OpenDB(pgwire.NewConnector(c.n.cfg))
		db.SetMaxOpenConns(2)
		db.SetMaxIdleConns(2)
		db.SetConnMaxIdleTime(5 * time.Minute)
		c.db = db
	}
	if err := c.db.PingContext(ctx); err != nil {
		_ = c.Close()
		return nil, c.n.describe(ctx, "connect", err)
	}
	return c.db, nil
}

// VersionNum is the server's server_version_num (150004 for 15.4).
func (c *Conn) VersionNum(ctx context.Context, db *sql.DB) (int, error) {
	var s string
	if err := db.QueryRowContext(ctx, "SELECT current_setting('server_version_num')").Scan(&s); err != nil {
		return 0, c.Describe(ctx, "version", err)
	}
	return strconv.Atoi(s)
}

// Describe turns an error of a statement into words (what failed, on which server, why).
func (c *Conn) Describe(ctx context.Context, what string, err error) error {
	return c.n.describe(ctx, what, err)
}

// Redacted is the DSN as shown: postgres://user:***@host:port/db.
func (c *Conn) Redacted() string { return c.n.redacted }

// Close closes the pool; the next DB opens a new one.
func (c *Conn) Close() error {
	if c.db == nil {
		return nil
	}
	err := c.db.Close()
	c.db = nil
	return err
}
