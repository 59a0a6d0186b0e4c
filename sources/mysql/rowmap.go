package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// row is one result row by column name (lower-cased). A column that was NULL maps to nil; a
// column the server did not send is absent. Columns are never read by position: MySQL,
// MariaDB and Aurora name, order and add them differently from version to version.
type row map[string]*string

// maxRows and maxField bound what one monitoring query may hand us.
const (
	maxRows  = 64
	maxField = 64 << 10
)

// queryRows runs q and returns its rows as row maps.
func queryRows(ctx context.Context, db *sql.DB, q string, args ...any) ([]row, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []row
	for rows.Next() {
		if len(out) == maxRows {
			return nil, fmt.Errorf("more than %d rows", maxRows)
		}
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, makeRow(cols, vals))
	}
	return out, rows.Err()
}

// makeRow copies one scanned row into a row map; a nil value is NULL.
func makeRow(cols []string, vals []sql.RawBytes) row {
	r := make(row, len(cols))
	for i, c := range cols {
		if i >= len(vals) {
			break
		}
		key := strings.ToLower(c)
		if vals[i] == nil {
			r[key] = nil
			continue
		}
		v := vals[i]
		if len(v) > maxField {
			v = v[:maxField]
		}
		s := string(v)
		r[key] = &s
	}
	return r
}

// lookup returns the first of names the row has (NULL or not), and whether any was present.
func (r row) lookup(names ...string) (*string, bool) {
	for _, n := range names {
		if v, ok := r[strings.ToLower(n)]; ok {
			return v, true
		}
	}
	return nil, false
}

// str returns the first non-NULL value of names, "" when none.
func (r row) str(names ...string) string {
	v, _ := r.lookup(names...)
	if v == nil {
		return ""
	}
	return strings.TrimSpace(*v)
}

// num returns the first of names as a number; nil when absent, NULL or not a number.
func (r row) num(names ...string) *float64 {
	v, _ := r.lookup(names...)
	if v == nil {
		return nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(*v), 64)
	if err != nil || f != f { // NaN
		return nil
	}
	return &f
}

// flag returns the first of names as a boolean ("1", "ON", "YES", "TRUE"); nil when absent,
// NULL or anything else.
func (r row) flag(names ...string) *bool {
	v, _ := r.lookup(names...)
	if v == nil {
		return nil
	}
	var b bool
	switch strings.ToUpper(strings.TrimSpace(*v)) {
	case "1", "ON", "YES", "TRUE":
		b = true
	case "0", "OFF", "NO", "FALSE":
		b = false
	default:
		return nil
	}
	return &b
}
