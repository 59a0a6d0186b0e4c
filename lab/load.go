package lab

import (
	"context"
	"database/sql"
	"sync"
	"time"

	driver "github.com/go-sql-driver/mysql"

	"github.com/warroom-dev/warroom/sources/mysql/mariadbtest"
)

// The load's pace: an order every WriteEvery, a heartbeat every BeatEvery.
const (
	WriteEvery = 200 * time.Millisecond
	BeatEvery  = time.Second
)

// load is the application: it writes orders and heartbeats as a plain (non-SUPER) account to
// whichever node accepts them, so the freeze stops it and the promotion moves it.
type load struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	nodes  []target
}

type target struct {
	db       *sql.DB
	serverID int64
}

// startLoad opens the application's pools and starts writing.
func startLoad(ctx context.Context, p *mariadbtest.Pair) (*load, error) {
	l := &load{}
	for _, s := range []*mariadbtest.Server{p.Primary, p.Replica} {
		db, err := openApp(s.DSN(mariadbtest.AppUser, mariadbtest.AppPassword, ""))
		if err != nil {
			l.close()
			return nil, err
		}
		l.nodes = append(l.nodes, target{db: db, serverID: int64(s.ServerID)})
	}
	ctx, l.cancel = context.WithCancel(ctx)
	l.wg.Add(2)
	go l.every(ctx, WriteEvery, func(ctx context.Context, t target) error {
		_, err := t.db.ExecContext(ctx, "INSERT INTO lab.orders (created, amount) VALUES (NOW(6), 1 + FLOOR(RAND() * 100))")
		return err
	})
	go l.every(ctx, BeatEvery, func(ctx context.Context, t target) error {
		return mariadbtest.Beat(ctx, t.db, t.serverID, time.Now())
	})
	return l, nil
}

func openApp(dsn string) (*sql.DB, error) {
	cfg, err := driver.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	cfg.Timeout, cfg.ReadTimeout, cfg.WriteTimeout = 2*time.Second, 2*time.Second, 2*time.Second
	cfg.Logger = &driver.NopLogger{}
	conn, err := driver.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(2)
	return db, nil
}

// every runs write on the first node that takes it, each interval, until ctx is done. A node
// that refuses (read-only, down) is skipped; the writer that worked last is tried first.
func (l *load) every(ctx context.Context, interval time.Duration, write func(context.Context, target) error) {
	defer l.wg.Done()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	first := 0
	for {
		for i := range l.nodes {
			n := (first + i) % len(l.nodes)
			wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			err := write(wctx, l.nodes[n])
			cancel()
			if err == nil {
				first = n
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

// stop ends the load and waits for it.
func (l *load) stop() {
	l.cancel()
	l.wg.Wait()
	l.close()
}

func (l *load) close() {
	for _, n := range l.nodes {
		_ = n.db.Close()
	}
}
