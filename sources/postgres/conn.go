package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/internal/pgwire"
)

// maxErrorText bounds server-provided text kept in errors and facts.
const maxErrorText = 300

// IsDSN reports whether dsn is a PostgreSQL URL (postgres:// or postgresql://).
func IsDSN(dsn string) bool {
	d := strings.ToLower(strings.TrimSpace(dsn))
	return strings.HasPrefix(d, "postgres://") || strings.HasPrefix(d, "postgresql://")
}

// RedactDSN renders a DSN for display: postgres://user:***@host:port/db, without the
// password and without parameters. Keyword/value DSNs ("host=… user=… password=…") show
// as user@host:port/db.
func RedactDSN(dsn string) string {
	cfg, err := pgwire.ParseConfig(dsn)
	if err != nil {
		if u, uerr := url.Parse(strings.TrimSpace(dsn)); uerr == nil && u.Host != "" {
			return clip(u.Scheme+"://"+userPart(u.User.Username(), hasPassword(u))+u.Host+u.Path, 200)
		}
		return "(unreadable dsn)"
	}
	pw := cfg.Password != ""
	host := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	if strings.HasPrefix(cfg.Host, "/") {
		host = cfg.Host
	}
	return clip("postgres://"+userPart(cfg.User, pw)+host+"/"+cfg.Database, 200)
}

func hasPassword(u *url.URL) bool {
	_, ok := u.User.Password()
	return ok
}

func userPart(user string, pw bool) string {
	if user == "" {
		return ""
	}
	if pw {
		return user + ":***@"
	}
	return user + "@"
}

// node is one server warroom talks to: the monitored database, or the primary/publisher
// replica_of names. It holds one connection (a poll runs one query at a time).
type node struct {
	name     string
	redacted string
	cfg      *pgwire.Config // holds the password: never formatted, printed or logged
	password string
	timeout  time.Duration
	conn     *pgwire.Conn
	info     *serverInfo // nil until detected on a working connection
}

// newNode parses a DSN without opening any connection. Every session it opens caps its
// statements on the server (statement_timeout) at the poll's timeout and names itself
// (application_name=warroom); queries without arguments use the simple protocol and those
// with arguments the unnamed statement of the extended one (nothing prepared by name: fine
// behind pgbouncer).
func newNode(name, dsn string, timeout time.Duration, utc bool) (*node, error) {
	cfg, err := pgwire.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("database %q: dsn %s: %s", name, RedactDSN(dsn), parseReason(err, dsn))
	}
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > timeout {
		cfg.ConnectTimeout = timeout
	}
	cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(timeout.Milliseconds(), 10)
	cfg.RuntimeParams["lock_timeout"] = strconv.FormatInt(timeout.Milliseconds(), 10)
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = "warroom"
	}
	if utc {
		cfg.RuntimeParams["timezone"] = "UTC"
	}
	return &node{name: name, redacted: RedactDSN(dsn), cfg: cfg, password: cfg.Password, timeout: timeout}, nil
}

// ParseError explains why a DSN does not parse, without the DSN or its password.
func ParseError(dsn string) error {
	_, err := pgwire.ParseConfig(dsn)
	if err == nil {
		return nil
	}
	return errors.New(parseReason(err, dsn))
}

// parseReason is the parser's reason (it never quotes the DSN), with the URL's password
// scrubbed all the same.
func parseReason(err error, dsn string) string {
	msg := err.Error()
	if u, uerr := url.Parse(strings.TrimSpace(dsn)); uerr == nil {
		if pw, ok := u.User.Password(); ok && len(pw) >= 3 {
			msg = strings.ReplaceAll(msg, pw, "***")
		}
	}
	return clip(msg, maxErrorText)
}

// connect makes sure the node has a live connection on a detected server.
func (n *node) connect(ctx context.Context) error {
	if n.conn != nil && !n.conn.IsClosed() && n.info != nil {
		return nil
	}
	n.close()
	c, err := pgwire.Connect(ctx, n.cfg)
	if err != nil {
		return n.describe(ctx, "connect", err)
	}
	n.conn = c
	info, err := detect(ctx, c)
	if err != nil {
		n.close()
		return n.describe(ctx, "connect", err)
	}
	n.info = info
	return nil
}

// close drops the connection; the node reconnects (and detects the server again) when used
// next.
func (n *node) close() {
	if n.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = n.conn.Close(ctx)
		cancel()
	}
	n.conn, n.info = nil, nil
}

// query runs q and returns its rows as text by column name. A failure that broke the
// connection closes it, so that the next poll reconnects.
func (n *node) query(ctx context.Context, what, q string, args ...any) ([]row, error) {
	rows, err := queryRows(ctx, n.conn, q, args...)
	if err != nil {
		if n.conn != nil && (n.conn.IsClosed() || ctx.Err() != nil) {
			n.close()
		}
		return nil, n.describe(ctx, what, err)
	}
	return rows, nil
}

// describe turns a driver or network error into words a person can act on, with the DSN
// rendered without its password and the password scrubbed from anything the server said.
func (n *node) describe(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return errors.New(n.scrub(what + " " + n.redacted + ": " + reason(err, n.timeout)))
}

// scrub removes the password from text (the client's errors do not contain it; this makes
// sure).
func (n *node) scrub(s string) string {
	if len(n.password) >= 3 {
		s = strings.ReplaceAll(s, n.password, "***")
	}
	return s
}
