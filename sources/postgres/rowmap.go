package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/warroom-dev/warroom/internal/pgwire"
)

// row is one result row by column name, every value as the server's text (nil for NULL).
// Reading by name, in text, keeps the parsers the same for live rows and recorded ones.
type row map[string]*string

// queryRows runs q (the server sends text) and returns the rows of its last statement.
func queryRows(ctx context.Context, c *pgwire.Conn, q string, args ...any) ([]row, error) {
	if c == nil {
		return nil, pgwire.ErrClosed
	}
	res, err := c.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	if len(res) == 0 {
		return nil, nil
	}
	last := res[len(res)-1]
	out := make([]row, 0, len(last.Rows))
	for _, vals := range last.Rows {
		r := make(row, len(last.Columns))
		for i, name := range last.Columns {
			r[name] = nil
			if i < len(vals) && vals[i] != nil {
				s := clip(*vals[i], 64<<10)
				r[name] = &s
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// str is the column's text, "" for NULL or missing.
func (r row) str(k string) string {
	if v := r[k]; v != nil {
		return *v
	}
	return ""
}

// flag reads a boolean ("t", "true", "on", "1"), nil for NULL or missing.
func (r row) flag(k string) *bool {
	v := r[k]
	if v == nil {
		return nil
	}
	var b bool
	switch strings.ToLower(strings.TrimSpace(*v)) {
	case "t", "true", "on", "1", "yes":
		b = true
	case "f", "false", "off", "0", "no":
	default:
		return nil
	}
	return &b
}

// is reports a boolean column that is true.
func (r row) is(k string) bool {
	b := r.flag(k)
	return b != nil && *b
}

// num reads a number, nil for NULL, missing or not a number.
func (r row) num(k string) *float64 {
	v := r[k]
	if v == nil {
		return nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(*v), 64)
	if err != nil {
		return nil
	}
	return &f
}

// int64Of reads an integer, 0 for NULL or not a number.
func (r row) int64Of(k string) int64 {
	if f := r.num(k); f != nil {
		return int64(*f)
	}
	return 0
}

// parseLSN reads a WAL location "16/B374D848" as a byte position.
func parseLSN(s string) (uint64, bool) {
	hi, lo, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok || hi == "" || lo == "" || len(hi) > 8 || len(lo) > 8 {
		return 0, false
	}
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return h<<32 | l, true
}
