package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	driver "github.com/go-sql-driver/mysql"
)

// RedactDSN renders a go-sql-driver DSN for display: user:***@tcp(host:port)/db, without the
// password and without parameters. A DSN that does not parse still loses everything between
// the user's colon and the last '@' before the address.
func RedactDSN(dsn string) string {
	cfg, err := driver.ParseDSN(dsn)
	if err != nil {
		return redactUnparsed(dsn)
	}
	var b strings.Builder
	if cfg.User != "" {
		b.WriteString(cfg.User)
		if cfg.Passwd != "" {
			b.WriteString(":***")
		}
		b.WriteString("@")
	}
	b.WriteString(cfg.Net)
	b.WriteString("(" + cfg.Addr + ")")
	b.WriteString("/" + cfg.DBName)
	return clip(b.String(), 200)
}

// redactUnparsed hides the credentials of a DSN the driver cannot parse.
func redactUnparsed(dsn string) string {
	cut := len(dsn)
	if i := strings.Index(dsn, "?"); i >= 0 {
		cut = i
	}
	head := dsn[:cut]
	at := strings.LastIndex(head, "@")
	if at < 0 {
		return clip(head, 200)
	}
	user, _, _ := strings.Cut(head[:at], ":")
	return clip(user+":***"+head[at:], 200)
}

// node is one server warroom talks to: the monitored database, or the primary it replicates
// from (read for GTID comparisons).
type node struct {
	name     string
	redacted string
	cfg      *driver.Config // holds the password: never formatted, printed or logged
	timeout  time.Duration
	db       *sql.DB
	info     *serverInfo // nil until detected on a working connection
	capped   bool        // monitoring queries are capped server-side
}

// newNode parses a DSN without opening any connection.
func newNode(name, dsn string, timeout time.Duration) (*node, error) {
	cfg, err := driver.ParseDSN(dsn)
	if err != nil {
		msg := err.Error()
		if p := passwordOf(dsn); p != "" {
			msg = strings.ReplaceAll(msg, p, "***")
		}
		return nil, fmt.Errorf("database %q: dsn %s: %s", name, RedactDSN(dsn), msg)
	}
	cfg.Timeout, cfg.ReadTimeout, cfg.WriteTimeout = timeout, timeout, timeout
	cfg.InterpolateParams = true // one round trip per query, no server-side prepares
	cfg.Logger = &driver.NopLogger{}
	cfg.ParseTime = false
	return &node{name: name, redacted: RedactDSN(dsn), cfg: cfg, timeout: timeout}, nil
}

// passwordOf finds the password of a DSN the driver could not parse, to scrub it from errors.
func passwordOf(dsn string) string {
	at := strings.LastIndex(dsn, "@")
	if at < 0 {
		return ""
	}
	_, pw, ok := strings.Cut(dsn[:at], ":")
	if !ok {
		return ""
	}
	return pw
}

// open makes a small pool for the node's config plus params (session variables the driver
// sets on every new connection).
func (n *node) open(params map[string]string) (*sql.DB, error) {
	c := n.cfg.Clone()
	if len(params) > 0 {
		c.Params = make(map[string]string, len(c.Params)+len(params))
		for k, v := range n.cfg.Params {
			c.Params[k] = v
		}
		for k, v := range params {
			c.Params[k] = v
		}
	}
	conn, err := driver.NewConnector(c)
	if err != nil {
		return nil, n.describe(context.Background(), "open", err)
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(2)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(30 * time.Minute)
	return db, nil
}

// close closes the pool; the node reconnects (and detects the server again) when used next.
func (n *node) close() {
	if n.db != nil {
		_ = n.db.Close()
	}
	n.db, n.info = nil, nil
}

// describe turns a driver or network error into words a person can act on, with the DSN
// rendered without its password and the password scrubbed from anything the server said.
// A failure after ctx ran out is reported as the timeout, whatever the driver made of it
// (a read deadline shows as a lost connection).
func (n *node) describe(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		err = ctx.Err()
	} else if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		err = context.DeadlineExceeded // the driver's read deadline beat ctx's timer
	}
	return errors.New(n.scrub(failureText(what, n.redacted, n.cfg.User, err, n.timeout)))
}

// scrub removes the password from text (driver errors do not contain it; this makes sure).
func (n *node) scrub(s string) string {
	if n.cfg.Passwd != "" && len(n.cfg.Passwd) >= 3 {
		s = strings.ReplaceAll(s, n.cfg.Passwd, "***")
	}
	return s
}

// reason explains err in a few words.
func reason(err error, timeout time.Duration) string {
	var me *driver.MySQLError
	var ne net.Error
	switch {
	case errors.As(err, &me):
		msg := fmt.Sprintf("error %d: %s", me.Number, clip(me.Message, maxErrorText))
		switch me.Number {
		case 1045:
			msg += " (check the user and password of the DSN)"
		case 1227, 1142, 1143:
			msg += " (grant the monitoring user what docs/databases.md lists)"
		case 3024, 1969:
			msg += " (the monitoring query hit its server-side time cap)"
		}
		return msg
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer in %v", timeout)
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, driver.ErrInvalidConn), errors.Is(err, sql.ErrConnDone):
		return "connection lost"
	case errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("no answer in %v", timeout)
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return clip(oe.Err.Error(), maxErrorText)
	}
	return clip(err.Error(), maxErrorText)
}
