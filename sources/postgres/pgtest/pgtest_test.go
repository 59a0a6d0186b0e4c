package pgtest

import (
	"context"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/warroom-dev/warroom/internal/proctest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestClusterReplicates starts a cluster, writes on the primary and sees the row on the
// standby and the subscriber; Close stops every server and removes the folder.
func TestClusterReplicates(t *testing.T) {
	if err := Available(); err != nil {
		proctest.Missing(t, "PostgreSQL is not installed", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	c, err := StartCluster(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	dir := c.Dir
	if err := c.Primary.Exec(ctx, DB, "INSERT INTO orders (amount) VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	if err := c.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Server{c.Standby, c.Subscriber} {
		got, err := s.QueryString(ctx, DB, "SELECT amount FROM orders ORDER BY id DESC LIMIT 1")
		if err != nil || got != "42" {
			t.Errorf("%s row = %q, %v; want 42", s.Name, got, err)
		}
	}
	if rec, _ := c.Standby.QueryString(ctx, DB, "pg_is_in_recovery()"); rec != "true" {
		t.Errorf("standby in recovery = %q", rec)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Server{c.Primary, c.Standby, c.Subscriber} {
		if s.Running() {
			t.Errorf("%s still running after Close", s.Name)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("folder %s left behind (%v)", dir, err)
	}
}
