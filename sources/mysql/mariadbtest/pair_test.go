package mariadbtest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/warroom-dev/warroom/internal/proctest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestPairReplicates starts a pair, writes on the primary and sees the row on the replica.
func TestPairReplicates(t *testing.T) {
	if err := Available(); err != nil {
		proctest.Missing(t, "MariaDB is not installed", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	p, err := StartPair(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	dir := p.Dir
	if err := p.Primary.Exec(ctx, "INSERT INTO lab.orders (created, amount) VALUES (NOW(6), 42)"); err != nil {
		t.Fatal(err)
	}
	if err := p.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := p.Replica.QueryString(ctx, "SELECT amount FROM lab.orders ORDER BY id DESC LIMIT 1")
	if err != nil || got != "42" {
		t.Fatalf("replica row = %q, %v; want 42", got, err)
	}
	ro, _ := p.Replica.QueryString(ctx, "SELECT @@read_only")
	if ro != "1" {
		t.Errorf("replica read_only = %q, want 1", ro)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if p.Primary.Running() || p.Replica.Running() {
		t.Error("servers still running after Close")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("folder %s left behind (%v)", dir, err)
	}
	if !strings.HasPrefix(p.MonitorPassword, "mon-") {
		t.Errorf("monitor password %q", p.MonitorPassword)
	}
}

// TestInstallTriesAgainInAFreshFolder: an install that fails (here: its folder is a file
// in the way) is tried once more in a fresh folder, and a second failure reports both.
func TestInstallTriesAgainInAFreshFolder(t *testing.T) {
	if err := Available(); err != nil {
		proctest.Missing(t, "MariaDB is not installed", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(dir, []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := install(ctx, dir); err != nil {
		t.Fatalf("the second install into a fresh folder failed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "mysql")); err != nil {
		t.Fatalf("no system tables after the second install: %v", err)
	}
}
