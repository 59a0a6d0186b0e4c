package config

import (
	"strings"
	"testing"
	"time"
)

func TestParityDefaultsAndKeys(t *testing.T) {
	c := mustParse(t, `
databases:
  - {name: old, dsn: "u:p@tcp(127.0.0.1:3306)/"}
  - {name: new, dsn: "u:p@tcp(127.0.0.1:3307)/"}
parity:
  - {name: orders, old: old, new: new, table: market.orders, key: id}
  - {name: lines, old: old, new: new, table: market.lines, key: [shop, id], chunk: 200, exclude: [updated_at]}
`, nil)
	p := c.Parity[0]
	if p.Chunk != 1000 || p.ChunksPerPoll != 100 || p.Interval.D() != 30*time.Second || p.MaxLag.D() != 5*time.Second || len(p.Key) != 1 {
		t.Errorf("defaults: %+v", p)
	}
	if q := c.Parity[1]; len(q.Key) != 2 || q.Chunk != 200 || q.Exclude[0] != "updated_at" {
		t.Errorf("lines: %+v", q)
	}
}

func TestParityErrors(t *testing.T) {
	es := parseErrors(t, `
databases:
  - {name: old, dsn: "u:p@tcp(127.0.0.1:3306)/"}
parity:
  - name: orders
    old: old
    new: nwe
    table: orders
    chunk: 5
    where: "id > 0; DROP TABLE x"
    columns: ["a b"]
  - {name: old, old: old, new: old, table: a.b, key: id}
`, nil)
	got := es.Error()
	for _, want := range []string{
		`w.yaml:7:10: database "nwe" is not defined`,
		`w.yaml:8:12: parity[0].table must be schema.table`,
		`parity[0]: key is required`,
		`w.yaml:9:12: parity[0].chunk must be from 10 to 100000 rows`,
		`w.yaml:10:12: parity[0].where must be one condition`,
		`parity[0].columns: "a b" is not a column name`,
		`duplicate name "old"`,
		`parity[1]: old and new are the same database`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("errors lack %q:\n%s", want, got)
		}
	}
}
