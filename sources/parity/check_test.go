package parity_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/app"
	"github.com/warroom-dev/warroom/sources/parity"
)

// TestCheckAndGate: through the whole app, as `warroom check` runs it — the database sources
// first, then parity reading the new side's lag — a parity source is in check --json with
// its facts, and a gate reads parity["orders"].equal.
func TestCheckAndGate(t *testing.T) {
	p := parity.SharedPair()
	if p == nil {
		t.Skip("no MariaDB servers (the package's other tests say why)")
	}
	dir := t.TempDir()
	cfg := `title: parity check
databases:
  - {name: old-primary, dsn: "` + p.MonitorDSN(p.Primary) + `"}
  - {name: cloud-writer, dsn: "` + p.MonitorDSN(p.Replica) + `", replica_of: old-primary}
parity:
  - {name: orders, old: old-primary, new: cloud-writer, table: market.orders, key: id}
runsheet:
  checkpoints:
    - id: open
      title: Site open
      gate: parity["orders"].equal && db["cloud-writer"].lag_s < 5
`
	path := filepath.Join(dir, "warroom.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	check := func() app.CheckReport {
		t.Helper()
		c, err := app.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		a, err := app.New(c, app.Options{ReadOnly: true, OneShot: true})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		return a.Check(ctx)
	}
	rep := check()
	src := find(t, rep, "orders")
	if src.Kind != "parity" || src.Status != "ok" || src.Facts["equal"] != true || src.Facts["lag_s"] == nil {
		t.Fatalf("orders in check: %s", asJSON(src))
	}
	if g := rep.Checkpoints[0].GateOK; g == nil || !*g {
		t.Fatalf("gate over equal tables: %s", asJSON(rep.Checkpoints[0]))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Replica.Exec(ctx, "SET SESSION sql_log_bin = 0", "UPDATE market.orders SET total = 0 WHERE id = 40000"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Replica.Exec(context.Background(), "SET SESSION sql_log_bin = 0", "UPDATE market.orders SET total = 4000/7 WHERE id = 40000")
	})
	rep = check()
	src = find(t, rep, "orders")
	if rep.Status != "crit" || src.Status != "crit" || src.Facts["equal"] != false || !strings.Contains(src.Error, "row 40000 differs: 1 changed") {
		t.Fatalf("after a change on the new side: %s", asJSON(src))
	}
	if g := rep.Checkpoints[0].GateOK; g == nil || *g {
		t.Fatalf("gate over a difference: %s", asJSON(rep.Checkpoints[0]))
	}
}

func find(t *testing.T, rep app.CheckReport, name string) app.CheckSource {
	t.Helper()
	for _, s := range rep.Sources {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no source %q in %s", name, asJSON(rep))
	return app.CheckSource{}
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
