package parity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// key is one value of the table's key: a column's text for each key column. nil is "before
// the first row" as a lower bound and "no limit" as an upper one.
type key []string

func (k key) String() string { return strings.Join(k, ",") }

// table is what the walk's statements are built from: identifiers checked by the config
// (letters, digits, _ and $) and quoted in the side's dialect, the condition the operator
// wrote. Both sides of a checksum walk speak the same dialect.
type table struct {
	d       dialect
	name    string   // "schema"."table", quoted
	keys    []string // key columns, quoted
	columns []string // compared columns (key first), quoted
	where   string   // "" or the operator's condition
}

// qualified quotes schema.table.
func qualified(d dialect, t string) string {
	schema, name, _ := strings.Cut(t, ".")
	return d.quote(schema) + "." + d.quote(name)
}

// tuple is "(a, b)" for several key columns, "a" for one.
func tuple(cols []string) string {
	if len(cols) == 1 {
		return cols[0]
	}
	return "(" + strings.Join(cols, ", ") + ")"
}

// placeholders is "(?, ?)" or "?" ("($3, $4)" on PostgreSQL), numbered after the first n
// arguments of the statement.
func (t *table) placeholders(n int) string {
	ps := make([]string, len(t.keys))
	for i := range ps {
		ps[i] = t.d.param(n + i + 1)
	}
	return tuple(ps)
}

// keyList is the key columns as read back: text on PostgreSQL.
func (t *table) keyList() string {
	out := make([]string, len(t.keys))
	for i, k := range t.keys {
		out[i] = t.d.keyText(k, i)
	}
	return strings.Join(out, ", ")
}

// rangeCond is the condition for lo < key <= hi (either bound nil: open), with the rows in
// scope, and its arguments.
func (t *table) rangeCond(lo, hi key) (string, []any) {
	var conds []string
	var args []any
	if lo != nil {
		conds = append(conds, tuple(t.keys)+" > "+t.placeholders(len(args)))
		args = append(args, anys(lo)...)
	}
	if hi != nil {
		conds = append(conds, tuple(t.keys)+" <= "+t.placeholders(len(args)))
		args = append(args, anys(hi)...)
	}
	if t.where != "" {
		conds = append(conds, "("+t.where+")")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func anys(k key) []any {
	out := make([]any, len(k))
	for i, v := range k {
		out[i] = v
	}
	return out
}

// rowHash is the expression hashing one row (see dialect.rowHash).
func (t *table) rowHash() string { return t.d.rowHash(t.columns) }

// checksum is the statement that sums up a range on one server: its row count and the XOR
// of the first 64 bits of each row's hash (as pt-table-checksum does per chunk).
func (t *table) checksum(lo, hi key) (string, []any) {
	cond, args := t.rangeCond(lo, hi)
	return "SELECT COUNT(*), " + t.d.xor64(t.rowHash()) + " FROM " + t.name + cond, args
}

// sum is a range's checksum on one side.
type sum struct {
	rows int64
	crc  uint64
}

func (t *table) sumOf(ctx context.Context, db *sql.DB, lo, hi key) (sum, error) {
	q, args := t.checksum(lo, hi)
	var s sum
	var crc string // unsigned on MySQL, signed (bigint) on PostgreSQL: the same 64 bits
	if err := db.QueryRowContext(ctx, q, args...).Scan(&s.rows, &crc); err != nil {
		return s, err
	}
	if u, err := strconv.ParseUint(crc, 10, 64); err == nil {
		s.crc = u
		return s, nil
	}
	n, err := strconv.ParseInt(crc, 10, 64)
	s.crc = uint64(n)
	return s, err
}

// nth returns the key of the n-th row (1-based) after lo and up to hi, in key order; nil
// when there are fewer rows.
func (t *table) nth(ctx context.Context, db *sql.DB, lo, hi key, n int) (key, error) {
	cond, args := t.rangeCond(lo, hi)
	q := fmt.Sprintf("SELECT %s FROM %s%s ORDER BY %s LIMIT 1 OFFSET %d",
		t.keyList(), t.name, cond, strings.Join(t.keys, ", "), n-1)
	k, err := scanKey(db.QueryRowContext(ctx, q, args...), len(t.keys))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return k, err
}

// bounds is a side's row count and largest key in scope.
type bounds struct {
	rows int64
	max  key // nil for an empty table
}

func (t *table) boundsOf(ctx context.Context, db *sql.DB) (bounds, error) {
	cond, args := t.rangeCond(nil, nil)
	var b bounds
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t.name+cond, args...).Scan(&b.rows); err != nil {
		return b, err
	}
	desc := make([]string, len(t.keys))
	for i, k := range t.keys {
		desc[i] = k + " DESC"
	}
	q := fmt.Sprintf("SELECT %s FROM %s%s ORDER BY %s LIMIT 1", t.keyList(), t.name, cond, strings.Join(desc, ", "))
	k, err := scanKey(db.QueryRowContext(ctx, q, args...), len(t.keys))
	if errors.Is(err, sql.ErrNoRows) {
		return b, nil
	}
	b.max = k
	return b, err
}

// countAbove counts the rows in scope with a key above lo.
func (t *table) countAbove(ctx context.Context, db *sql.DB, lo key) (int64, error) {
	cond, args := t.rangeCond(lo, nil)
	var n int64
	err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t.name+cond, args...).Scan(&n)
	return n, err
}

// rowHashes reads each row's key and hash in a small range (a leaf of the narrowing).
func (t *table) rowHashes(ctx context.Context, db *sql.DB, lo, hi key, limit int) ([]key, map[string]string, error) {
	cond, args := t.rangeCond(lo, hi)
	q := fmt.Sprintf("SELECT %s, %s FROM %s%s ORDER BY %s LIMIT %d", t.keyList(), t.rowHash(),
		t.name, cond, strings.Join(t.keys, ", "), limit)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var order []key
	hashes := map[string]string{}
	for rows.Next() {
		dst := make([]sql.NullString, len(t.keys)+1)
		ptrs := make([]any, len(dst))
		for i := range dst {
			ptrs[i] = &dst[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		k := make(key, len(t.keys))
		for i := range k {
			k[i] = dst[i].String
		}
		order = append(order, k)
		hashes[k.String()] = dst[len(t.keys)].String
	}
	return order, hashes, rows.Err()
}

// scanKey reads one row of key columns.
func scanKey(row *sql.Row, n int) (key, error) {
	dst := make([]sql.NullString, n)
	ptrs := make([]any, n)
	for i := range dst {
		ptrs[i] = &dst[i]
	}
	if err := row.Scan(ptrs...); err != nil {
		return nil, err
	}
	k := make(key, n)
	for i := range k {
		k[i] = dst[i].String
	}
	return k, nil
}

// columnsOf lists a table's columns in their order, from information_schema.
func columnsOf(ctx context.Context, d dialect, db *sql.DB, table string) ([]string, error) {
	schema, name, _ := strings.Cut(table, ".")
	rows, err := db.QueryContext(ctx, d.columnsQuery(), schema, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
