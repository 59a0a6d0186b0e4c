// Package lab runs a small, real cutover to practise on: a MariaDB primary and replica on
// this machine, an application write load and a pt-heartbeat-like updater, and a
// warroom.yaml that watches them with a freeze → catch-up → promote runsheet.
package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/warroom-dev/warroom/sources/mysql/mariadbtest"
)

// ReplicaDelay is how far behind the lab's replica starts (MASTER_DELAY), so that there is
// lag to watch from the first minute; the catch-up checkpoint's command removes it.
const ReplicaDelay = 10 * time.Second

// Run starts the lab in dir (a new temporary folder when dir is ""), prints a ready
// warroom.yaml to out (and writes it to dir/warroom.yaml), and keeps the write load going
// until ctx is done. Then it stops the servers; a temporary folder is removed, a given one
// is left for inspection. dir, when given, must not exist or be empty.
func Run(ctx context.Context, dir string, out io.Writer) error {
	if err := mariadbtest.Available(); err != nil {
		return fmt.Errorf("lab: %w", err)
	}
	if dir != "" {
		if err := emptyDir(dir); err != nil {
			return err
		}
	}
	startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	p, err := mariadbtest.StartPair(startCtx, dir)
	cancel()
	if err != nil {
		return fmt.Errorf("lab: start the servers: %w", err)
	}
	defer p.Close()
	if err := prepare(ctx, p); err != nil {
		return err
	}
	l, err := startLoad(ctx, p)
	if err != nil {
		return err
	}
	defer l.stop()
	text, err := render(p)
	if err != nil {
		return err
	}
	path := filepath.Join(p.Dir, "warroom.yaml")
	if err := os.WriteFile(path, text, 0o600); err != nil {
		return fmt.Errorf("lab: write %s: %w", path, err)
	}
	if _, err := out.Write(text); err != nil {
		return fmt.Errorf("lab: print the config: %w", err)
	}
	<-ctx.Done()
	return nil
}

// prepare adds the lab's monitoring account and delays the replica.
func prepare(ctx context.Context, p *mariadbtest.Pair) error {
	err := p.Primary.Exec(ctx,
		"CREATE USER '"+MonitorUser+"'@'127.0.0.1'",
		"GRANT SLAVE MONITOR ON *.* TO '"+MonitorUser+"'@'127.0.0.1'",
		"GRANT SELECT ON percona.* TO '"+MonitorUser+"'@'127.0.0.1'")
	if err != nil {
		return fmt.Errorf("lab: %w", err)
	}
	if err := p.Sync(ctx); err != nil {
		return fmt.Errorf("lab: %w", err)
	}
	err = p.Replica.Exec(ctx, "STOP SLAVE",
		fmt.Sprintf("CHANGE MASTER TO MASTER_DELAY = %d", int(ReplicaDelay.Seconds())), "START SLAVE")
	if err != nil {
		return fmt.Errorf("lab: %w", err)
	}
	return nil
}

// emptyDir makes sure dir exists and holds nothing.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		return fmt.Errorf("lab: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("lab: folder %s is not empty: give a new or empty one", dir)
	}
	return nil
}
