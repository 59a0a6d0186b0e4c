package pgwire

import (
	"context"
	"errors"
	"fmt"
)

// ErrClosed is returned by a query on a closed or broken connection.
var ErrClosed = errors.New("the connection is closed")

// Result is what one statement returned: its columns and rows (every value the server's
// text, nil for NULL) and its command tag ("SELECT 2", "INSERT 0 1"; "" for an empty query).
type Result struct {
	Columns []string
	Rows    [][]*string
	Tag     string
}

// Query runs sql and returns one Result per statement. Without args it uses the simple
// query protocol (several statements separated by semicolons may be given); with args, the
// extended protocol with $1, $2, … bound as text (see the argument types at encodeArg). A
// server error mid-way ends the results there; it is returned as *PgError and the
// connection stays usable. A cancelled context or a broken connection closes it.
func (c *Conn) Query(ctx context.Context, sql string, args ...any) ([]Result, error) {
	if c.IsClosed() {
		return nil, ErrClosed
	}
	if len(args) > 65535 {
		return nil, fmt.Errorf("%d arguments: the protocol allows 65535", len(args))
	}
	c.w.b = c.w.b[:0]
	if len(args) == 0 {
		c.w.start('Q').str(sql).finish()
	} else if err := c.extended(sql, args); err != nil {
		return nil, err
	}
	stop := c.watch(ctx)
	defer stop()
	if err := c.flush(); err != nil {
		c.fail()
		return nil, c.ctxErr(ctx, err)
	}
	res, err := c.results()
	if err != nil {
		var pe *PgError
		if !errors.As(err, &pe) {
			c.fail()
			return res, c.ctxErr(ctx, err)
		}
	}
	return res, err
}

// Exec runs sql as Query does and returns the command tag of its last statement.
func (c *Conn) Exec(ctx context.Context, sql string, args ...any) (string, error) {
	res, err := c.Query(ctx, sql, args...)
	if err != nil || len(res) == 0 {
		return "", err
	}
	return res[len(res)-1].Tag, nil
}

// extended writes Parse, Bind, Describe, Execute and Sync for an unnamed statement with
// text parameters of types the server infers.
func (c *Conn) extended(sql string, args []any) error {
	c.w.start('P').str("").str(sql).int16(0).finish()
	c.w.start('B').str("").str("").int16(0).int16(int16(uint16(len(args))))
	for i, a := range args {
		v, null, err := encodeArg(a, 0)
		if err != nil {
			c.w.b = c.w.b[:0]
			return fmt.Errorf("argument $%d: %w", i+1, err)
		}
		if null {
			c.w.int32(-1)
			continue
		}
		c.w.int32(int32(len(v))).raw(v)
	}
	c.w.int16(0).finish()
	c.w.b = append(c.w.b, 'D')
	c.w.lenAt = len(c.w.b)
	c.w.b = append(c.w.b, 0, 0, 0, 0, 'P', 0)
	c.w.finish()
	c.w.start('E').str("").int32(0).finish()
	c.w.start('S').finish()
	return nil
}

// results reads until ReadyForQuery. The first server error is kept and returned after
// the rest is read, so that the connection is ready for the next query.
func (c *Conn) results() ([]Result, error) {
	var out []Result
	var cur *Result
	var firstErr error
	for {
		t, body, err := c.readMsg()
		if err != nil {
			return out, err
		}
		switch t {
		case 'T':
			cols, err := rowDescription(body)
			if err != nil {
				return out, err
			}
			cur = &Result{Columns: cols}
		case 'D':
			if cur == nil {
				cur = &Result{}
			}
			row, err := dataRow(body)
			if err != nil {
				return out, err
			}
			cur.Rows = append(cur.Rows, row)
		case 'C':
			if cur == nil {
				cur = &Result{}
			}
			r := reader{b: body}
			cur.Tag = r.cstr()
			out, cur = append(out, *cur), nil
		case 'I':
			out, cur = append(out, Result{}), nil
		case 'E':
			if firstErr == nil {
				firstErr = parseError(body)
			}
			cur = nil
		case 'S':
			r := reader{b: body}
			k, v := r.cstr(), r.cstr()
			c.params[k] = v
		case 'G': // COPY FROM STDIN: refuse it, the server answers with an error
			c.w.start('f').str("COPY is not supported by this client").finish()
			if err := c.flush(); err != nil {
				return out, err
			}
		case 'Z':
			return out, firstErr
		case '1', '2', 'n', 's', 't', 'N', 'A', 'H', 'd', 'c':
			// ParseComplete, BindComplete, NoData, PortalSuspended, ParameterDescription,
			// notices, notifications, COPY TO STDOUT data: nothing to keep
		default:
			return out, fmt.Errorf("unexpected message %q from the server", t)
		}
	}
}

// rowDescription reads the column names.
func rowDescription(body []byte) ([]string, error) {
	r := reader{b: body}
	n := int(r.int16())
	cols := make([]string, 0, max(n, 0))
	for i := 0; i < n && r.err == nil; i++ {
		cols = append(cols, r.cstr())
		r.bytes(18) // table OID, column number, type OID, size, modifier, format
	}
	return cols, r.err
}

// dataRow reads one row's values as text, nil for NULL.
func dataRow(body []byte) ([]*string, error) {
	r := reader{b: body}
	n := int(r.int16())
	row := make([]*string, 0, max(n, 0))
	for i := 0; i < n && r.err == nil; i++ {
		l := int(r.int32())
		if l < 0 {
			row = append(row, nil)
			continue
		}
		s := string(r.bytes(l))
		row = append(row, &s)
	}
	return row, r.err
}
