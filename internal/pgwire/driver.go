package pgwire

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"strconv"
	"strings"
)

// Connector opens sessions for database/sql: sql.OpenDB(pgwire.NewConnector(cfg)). Rows
// come back as text (string), NULL as nil, which Scan converts to int64, bool ("t"/"f"),
// float64, sql.NullString and the rest. No driver name is registered.
type Connector struct{ cfg *Config }

// NewConnector is a Connector for cfg (not copied: do not change cfg afterwards).
func NewConnector(cfg *Config) *Connector { return &Connector{cfg: cfg} }

// Connect opens one session.
func (k *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := Connect(ctx, k.cfg)
	if err != nil {
		return nil, err
	}
	return &sqlConn{c: c}, nil
}

// Driver is the Driver of the Connector: Open reads a DSN.
func (k *Connector) Driver() driver.Driver { return sqlDriver{} }

type sqlDriver struct{}

func (sqlDriver) Open(dsn string) (driver.Conn, error) {
	cfg, err := ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return NewConnector(cfg).Connect(context.Background())
}

// sqlConn is a session as database/sql sees it.
type sqlConn struct{ c *Conn }

var (
	_ driver.QueryerContext     = (*sqlConn)(nil)
	_ driver.ExecerContext      = (*sqlConn)(nil)
	_ driver.Pinger             = (*sqlConn)(nil)
	_ driver.SessionResetter    = (*sqlConn)(nil)
	_ driver.Validator          = (*sqlConn)(nil)
	_ driver.ConnBeginTx        = (*sqlConn)(nil)
	_ driver.NamedValueChecker  = (*sqlConn)(nil)
	_ driver.ConnPrepareContext = (*sqlConn)(nil)
)

func (s *sqlConn) Prepare(q string) (driver.Stmt, error) {
	return s.PrepareContext(context.Background(), q)
}

// PrepareContext prepares nothing on the server: the statement runs through the extended
// protocol (unnamed) each time.
func (s *sqlConn) PrepareContext(_ context.Context, q string) (driver.Stmt, error) {
	return &sqlStmt{s: s, q: q}, nil
}

func (s *sqlConn) Close() error { return s.c.Close(context.Background()) }

func (s *sqlConn) Begin() (driver.Tx, error) {
	return s.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx starts a transaction with BEGIN (its isolation level and READ ONLY as asked).
func (s *sqlConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	q := "BEGIN"
	switch opts.Isolation {
	case driver.IsolationLevel(0): // the server's default
	case driver.IsolationLevel(1):
		q += " ISOLATION LEVEL READ UNCOMMITTED"
	case driver.IsolationLevel(2):
		q += " ISOLATION LEVEL READ COMMITTED"
	case driver.IsolationLevel(4):
		q += " ISOLATION LEVEL REPEATABLE READ"
	case driver.IsolationLevel(6):
		q += " ISOLATION LEVEL SERIALIZABLE"
	default:
		return nil, errors.New("isolation level not supported by PostgreSQL")
	}
	if opts.ReadOnly {
		q += " READ ONLY"
	}
	if _, err := s.exec(ctx, q, nil); err != nil {
		return nil, err
	}
	return sqlTx{s}, nil
}

func (s *sqlConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	res, err := s.run(ctx, q, args)
	if err != nil {
		return nil, err
	}
	r := &sqlRows{}
	if len(res) > 0 {
		r.res = res[len(res)-1]
	}
	return r, nil
}

func (s *sqlConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return s.exec(ctx, q, args)
}

func (s *sqlConn) exec(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	res, err := s.run(ctx, q, args)
	if err != nil {
		return nil, err
	}
	if len(res) == 0 {
		return driver.RowsAffected(0), nil
	}
	return driver.RowsAffected(tagRows(res[len(res)-1].Tag)), nil
}

// run sends a query; ErrBadConn when the session was already broken (database/sql then
// takes another).
func (s *sqlConn) run(ctx context.Context, q string, args []driver.NamedValue) ([]Result, error) {
	if s.c.IsClosed() {
		return nil, driver.ErrBadConn
	}
	vals := make([]any, len(args))
	for i, a := range args {
		if a.Name != "" {
			return nil, errors.New("named arguments are not supported: use $1, $2, …")
		}
		vals[i] = a.Value
	}
	return s.c.Query(ctx, q, vals...)
}

// tagRows is the row count of a command tag: "INSERT 0 5" → 5, "UPDATE 3" → 3.
func tagRows(tag string) int64 {
	i := strings.LastIndexByte(tag, ' ')
	if i < 0 {
		return 0
	}
	n, _ := strconv.ParseInt(tag[i+1:], 10, 64)
	return n
}

// Ping sends an empty query.
func (s *sqlConn) Ping(ctx context.Context) error {
	if s.c.IsClosed() {
		return driver.ErrBadConn
	}
	_, err := s.c.Query(ctx, ";")
	return err
}

// ResetSession refuses a broken session so that the pool drops it.
func (s *sqlConn) ResetSession(context.Context) error {
	if s.c.IsClosed() {
		return driver.ErrBadConn
	}
	return nil
}

// IsValid reports whether the session may go back to the pool.
func (s *sqlConn) IsValid() bool { return !s.c.IsClosed() }

// CheckNamedValue lets the argument types encodeArg knows through as they are ([]string
// among them); others go through database/sql's default conversion.
func (s *sqlConn) CheckNamedValue(nv *driver.NamedValue) error {
	switch nv.Value.(type) {
	case []string, int, int8, int16, int32, uint, uint8, uint16, uint32, uint64, float32:
		return nil
	}
	return driver.ErrSkip
}

type sqlTx struct{ s *sqlConn }

func (t sqlTx) Commit() error {
	_, err := t.s.exec(context.Background(), "COMMIT", nil)
	return err
}

func (t sqlTx) Rollback() error {
	_, err := t.s.exec(context.Background(), "ROLLBACK", nil)
	return err
}

// sqlStmt is a statement "prepared" by the client: it runs the extended protocol each time.
type sqlStmt struct {
	s *sqlConn
	q string
}

func (st *sqlStmt) Close() error  { return nil }
func (st *sqlStmt) NumInput() int { return -1 }

func (st *sqlStmt) Exec(args []driver.Value) (driver.Result, error) {
	return st.s.exec(context.Background(), st.q, named(args))
}

func (st *sqlStmt) Query(args []driver.Value) (driver.Rows, error) {
	return st.s.QueryContext(context.Background(), st.q, named(args))
}

func (st *sqlStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return st.s.exec(ctx, st.q, args)
}

func (st *sqlStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return st.s.QueryContext(ctx, st.q, args)
}

func named(args []driver.Value) []driver.NamedValue {
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return nv
}

// sqlRows hands out a result already read whole.
type sqlRows struct {
	res Result
	i   int
}

func (r *sqlRows) Columns() []string { return r.res.Columns }
func (r *sqlRows) Close() error      { return nil }

func (r *sqlRows) Next(dest []driver.Value) error {
	if r.i >= len(r.res.Rows) {
		return io.EOF
	}
	row := r.res.Rows[r.i]
	r.i++
	for i := range dest {
		dest[i] = nil
		if i < len(row) && row[i] != nil {
			dest[i] = *row[i]
		}
	}
	return nil
}
