package lab

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/warroom-dev/warroom/internal/pgwire"
	"github.com/warroom-dev/warroom/sources/postgres/pgtest"
)

// RunPostgres is Run for PostgreSQL: a primary, a streaming standby of it and a logical
// subscriber of it (the new primary of a logical-replication cutover), an application
// writing orders and heartbeats, and a warroom.yaml with a freeze → catch-up → sequences →
// promote runsheet. It stops the servers when ctx is done.
func RunPostgres(ctx context.Context, dir string, out io.Writer) error {
	if err := pgtest.Available(); err != nil {
		return fmt.Errorf("lab: %w", err)
	}
	if dir != "" {
		if err := emptyDir(dir); err != nil {
			return err
		}
	}
	startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	c, err := pgtest.StartCluster(startCtx, dir)
	cancel()
	if err != nil {
		return fmt.Errorf("lab: start the servers: %w", err)
	}
	defer c.Close()
	// The application may not write to the new primary before it is promoted.
	if err := c.Subscriber.Exec(ctx, "postgres", "ALTER ROLE "+pgtest.AppUser+" SET default_transaction_read_only = on"); err != nil {
		return fmt.Errorf("lab: %w", err)
	}
	l, err := startPGLoad(ctx, c)
	if err != nil {
		return err
	}
	defer l.stop()
	text, err := renderPostgres(c)
	if err != nil {
		return err
	}
	path := filepath.Join(c.Dir, "warroom.yaml")
	if err := os.WriteFile(path, text, 0o600); err != nil {
		return fmt.Errorf("lab: write %s: %w", path, err)
	}
	if _, err := out.Write(text); err != nil {
		return fmt.Errorf("lab: print the config: %w", err)
	}
	<-ctx.Done()
	return nil
}

// pgLoad is the application: orders and heartbeats as a plain account, to whichever node
// takes them (default_transaction_read_only stops it on the frozen primary and on the
// subscriber until the promotion).
type pgLoad struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	nodes  []pgTarget
}

type pgTarget struct {
	dsn      string
	serverID int
	conn     *pgwire.Conn
}

func startPGLoad(ctx context.Context, c *pgtest.Cluster) (*pgLoad, error) {
	l := &pgLoad{nodes: []pgTarget{
		{dsn: c.Primary.DSN(pgtest.AppUser, pgtest.AppPassword, pgtest.DB), serverID: 1},
		{dsn: c.Subscriber.DSN(pgtest.AppUser, pgtest.AppPassword, pgtest.DB), serverID: 3},
	}}
	ctx, l.cancel = context.WithCancel(ctx)
	l.wg.Add(1)
	go l.run(ctx)
	return l, nil
}

// run writes an order every WriteEvery and a heartbeat every BeatEvery until ctx is done.
func (l *pgLoad) run(ctx context.Context) {
	defer l.wg.Done()
	defer l.close()
	tick := time.NewTicker(WriteEvery)
	defer tick.Stop()
	first, lastBeat := 0, time.Time{}
	for {
		beat := time.Since(lastBeat) >= BeatEvery
		for i := range l.nodes {
			n := (first + i) % len(l.nodes)
			if l.write(ctx, n, beat) == nil {
				first = n
				if beat {
					lastBeat = time.Now()
				}
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// write inserts one order (and a heartbeat) on node n, reconnecting when needed.
func (l *pgLoad) write(ctx context.Context, n int, beat bool) error {
	wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	t := &l.nodes[n]
	if t.conn == nil || t.conn.IsClosed() {
		cfg, err := pgwire.ParseConfig(t.dsn + "&connect_timeout=2")
		if err != nil {
			return err
		}
		c, err := pgwire.Connect(wctx, cfg)
		if err != nil {
			return err
		}
		t.conn = c
	}
	if _, err := t.conn.Exec(wctx, "INSERT INTO orders (amount) VALUES (1 + floor(random() * 100))"); err != nil {
		return err
	}
	if beat {
		_, err := t.conn.Exec(wctx, pgtest.BeatSQL, t.serverID)
		return err
	}
	return nil
}

func (l *pgLoad) stop() {
	l.cancel()
	l.wg.Wait()
}

func (l *pgLoad) close() {
	for _, t := range l.nodes {
		if t.conn != nil {
			_ = t.conn.Close(context.Background())
		}
	}
}
