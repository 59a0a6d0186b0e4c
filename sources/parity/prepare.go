package parity

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/warroom-dev/warroom/sources/postgres"
)

// prepare reads the table's columns on both sides, decides which are compared and how the
// sides are compared (a checksum walk, or counts only). A compared column the new side
// lacks is a difference in itself.
func (s *Source) prepare(ctx context.Context, db sides) error {
	od, nd := dialectOf(s.engines[0]), dialectOf(s.engines[1])
	oldCols, err := columnsOf(ctx, od, db.old, s.cfg.Table)
	if err != nil {
		return s.oldErr(ctx, "columns", err)
	}
	newCols, err := columnsOf(ctx, nd, db.new, s.cfg.Table)
	if err != nil {
		return s.newErr(ctx, "columns", err)
	}
	switch {
	case len(oldCols) == 0:
		return fmt.Errorf("table %s not found on %s (or the monitoring user may not read it)", s.cfg.Table, s.cfg.Old)
	case len(newCols) == 0:
		s.columnProb = fmt.Sprintf("table %s not found on %s", s.cfg.Table, s.cfg.New)
	}
	method, why, err := s.decide(ctx, db)
	if err != nil {
		return err
	}
	want := s.cfg.Columns
	if len(want) == 0 {
		want = oldCols
	}
	var compared, missing []string
	for _, c := range want {
		if slices.Contains(s.cfg.Key, c) || slices.Contains(s.cfg.Exclude, c) {
			continue
		}
		if !slices.Contains(oldCols, c) {
			return fmt.Errorf("column %s not found in %s on %s", c, s.cfg.Table, s.cfg.Old)
		}
		if !slices.Contains(newCols, c) && len(newCols) > 0 {
			missing = append(missing, c)
		}
		compared = append(compared, c)
	}
	if len(missing) > 0 && method == methodChecksum { // counts only compare no column but the key
		s.columnProb = fmt.Sprintf("column %s missing on %s", strings.Join(missing, ", "), s.cfg.New)
	}
	s.table, s.tableNew = s.tableFor(od, compared), s.tableFor(nd, compared)
	s.method, s.methodWhy = method, why
	return nil
}

// tableFor builds the statements' parts in one dialect.
func (s *Source) tableFor(d dialect, compared []string) *table {
	t := &table{d: d, name: qualified(d, s.cfg.Table), where: strings.TrimSpace(s.cfg.Where)}
	for _, k := range s.cfg.Key {
		t.keys = append(t.keys, d.quote(k))
		t.columns = append(t.columns, d.quote(k))
	}
	for _, c := range compared {
		t.columns = append(t.columns, d.quote(c))
	}
	return t
}

// decide picks the method: counts only across engines, or on a PostgreSQL without bit_xor.
func (s *Source) decide(ctx context.Context, db sides) (string, string, error) {
	if s.engines[0] != s.engines[1] || s.engines[0] != enginePostgres {
		m, why := methodFor(s.engines[0], s.engines[1])
		return m, why, nil
	}
	var versions []int
	for i, c := range []conn{s.old, s.new} {
		pc, ok := c.(*postgres.Conn)
		if !ok {
			continue
		}
		v, err := pc.VersionNum(ctx, []*sql.DB{db.old, db.new}[i])
		if err != nil {
			return "", "", err
		}
		versions = append(versions, v)
	}
	m, why := methodFor(s.engines[0], s.engines[1], versions...)
	return m, why, nil
}
