package mysql

import (
	"context"
	"database/sql"
	"time"
)

// Conn is a connection to one MySQL, MariaDB or Aurora server for other sources that read
// it (data parity): the same pool as a database source's, with every statement capped on the
// server at the timeout, and errors in words a person can act on, the password never shown.
type Conn struct{ n *node }

// NewConn parses dsn without connecting; name names the server in errors.
func NewConn(name, dsn string, timeout time.Duration) (*Conn, error) {
	n, err := newNode(name, dsn, timeout)
	if err != nil {
		return nil, err
	}
	return &Conn{n: n}, nil
}

// DB connects when not connected and returns the pool.
func (c *Conn) DB(ctx context.Context) (*sql.DB, error) {
	if err := c.n.connect(ctx); err != nil {
		c.n.close()
		return nil, err
	}
	return c.n.db, nil
}

// Describe turns an error of a statement into words (what failed, on which server, why).
func (c *Conn) Describe(ctx context.Context, what string, err error) error {
	return c.n.describe(ctx, what, err)
}

// Redacted is the DSN as shown: user:***@tcp(host:port)/db.
func (c *Conn) Redacted() string { return c.n.redacted }

// Close closes the pool.
func (c *Conn) Close() error {
	c.n.close()
	return nil
}
