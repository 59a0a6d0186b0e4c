package parity

import (
	"strings"
	"testing"
)

// TestMethodFor: the same engine walks, different engines and a PostgreSQL without bit_xor
// are counts only, and the reason says why.
func TestMethodFor(t *testing.T) {
	for _, tc := range []struct {
		old, new string
		versions []int
		method   string
		why      string
	}{
		{engineMySQL, engineMySQL, nil, methodChecksum, ""},
		{enginePostgres, enginePostgres, []int{150004, 140010}, methodChecksum, ""},
		{engineMySQL, enginePostgres, nil, methodCounts, "MySQL/MariaDB → PostgreSQL, row hashes are not comparable across engines"},
		{enginePostgres, engineMySQL, nil, methodCounts, "PostgreSQL → MySQL/MariaDB"},
		{enginePostgres, enginePostgres, []int{150004, 130012}, methodCounts, "PostgreSQL 13.12 has no bit_xor (the checksum walk needs 14 or later)"},
		{enginePostgres, enginePostgres, []int{90624, 150004}, methodCounts, "PostgreSQL 9.6 has no bit_xor"},
	} {
		m, why := methodFor(tc.old, tc.new, tc.versions...)
		if m != tc.method || !strings.Contains(why, tc.why) || (tc.why == "") != (why == "") {
			t.Errorf("methodFor(%s, %s, %v) = %q, %q; want %q, containing %q", tc.old, tc.new, tc.versions, m, why, tc.method, tc.why)
		}
	}
}

// TestPostgresStatements: PostgreSQL's statements quote with double quotes, number their
// placeholders across both bounds, compare composite keys as rows and read keys as text.
func TestPostgresStatements(t *testing.T) {
	s := &Source{}
	s.cfg.Table, s.cfg.Key, s.cfg.Where = "market.lines", []string{"shop", "id"}, "qty > 0"
	tb := s.tableFor(postgresDialect{}, []string{"qty"})
	q, args := tb.checksum(key{"1", "2"}, key{"3", "4"})
	want := `SELECT COUNT(*), COALESCE(bit_xor(('x' || substr(md5(concat_ws('#', "shop"::text, "id"::text, "qty"::text, ` +
		`concat(("shop" IS NULL)::int, ("id" IS NULL)::int, ("qty" IS NULL)::int))), 1, 16))::bit(64)::bigint), 0) ` +
		`FROM "market"."lines" WHERE ("shop", "id") > ($1, $2) AND ("shop", "id") <= ($3, $4) AND (qty > 0)`
	if q != want || len(args) != 4 {
		t.Errorf("checksum =\n%s\nwant\n%s\n(args %v)", q, want, args)
	}
	if got := tb.keyList(); got != `"shop"::text AS k0_text, "id"::text AS k1_text` {
		t.Errorf("keyList = %s", got)
	}
	my := s.tableFor(mysqlDialect{}, []string{"qty"})
	if q, _ := my.checksum(nil, key{"3", "4"}); !strings.Contains(q, "FROM `market`.`lines` WHERE (`shop`, `id`) <= (?, ?)") {
		t.Errorf("MySQL checksum = %s", q)
	}
}
