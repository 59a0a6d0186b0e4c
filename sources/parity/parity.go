// Package parity proves that no row was lost in a move: it compares one table on two
// databases (MySQL/MariaDB/Aurora, or PostgreSQL, on both sides), with counts and key bounds
// every interval and a chunked checksum walk over the key range computed on the servers (as
// pt-table-checksum does per chunk), narrowing each difference down to a range of at most 100
// keys. Across engines (MySQL → PostgreSQL) the row hashes are not comparable: counts and key
// bounds only. It reads the new side's replication lag (from that database's own source) so
// that rows still on their way are pending, not different. Only plain SELECTs run: no locks,
// no long transactions.
package parity

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/mysql"
	"github.com/warroom-dev/warroom/sources/postgres"
)

// conn is one side's connection: mysql.Conn or postgres.Conn.
type conn interface {
	DB(ctx context.Context) (*sql.DB, error)
	Describe(ctx context.Context, what string, err error) error
	Close() error
}

// LagFunc reports the new side's replication lag in seconds as its own source last saw it;
// known is false when it is not known (not a replica, stale, or not polled yet).
type LagFunc func() (seconds float64, known bool)

// Options tune a Source.
type Options struct {
	Lag LagFunc
	// Complete makes every poll run the walk and the narrowing to their end (check).
	Complete bool
	Now      func() time.Time
}

// Source is one parity entry.
type Source struct {
	cfg        config.Parity
	old, new   conn
	engines    [2]string // old's and new's: engineMySQL or enginePostgres
	method     string    // methodChecksum or methodCounts, once prepared
	methodWhy  string    // why counts only
	table      *table    // the old side's statements (both sides' in a checksum walk)
	tableNew   *table    // the new side's statements
	counts     countState
	chunk      int
	opt        Options
	now        func() time.Time
	walk       walk
	last       *finished // the last pass to reach the end; nil before the first
	prev       []diff    // the last pass's differences, shown until this pass re-checks them
	pending    int64
	oldRows    int64
	newRows    int64
	pausedBy   float64
	lagSeen    float64
	columnProb string
}

// finished is what a completed pass found.
type finished struct {
	at      time.Time
	equal   bool
	checked int64
	diffs   []diff
}

// New makes the source; nothing is connected until the first poll.
func New(p config.Parity, dbs []config.Database, opt Options) (*Source, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Lag == nil {
		opt.Lag = func() (float64, bool) { return 0, false }
	}
	s := &Source{cfg: p, chunk: p.Chunk, opt: opt, now: opt.Now}
	if s.chunk <= 0 {
		s.chunk = config.DefaultParityChunk
	}
	for i, name := range []string{p.Old, p.New} {
		j := slices.IndexFunc(dbs, func(d config.Database) bool { return d.Name == name })
		if j < 0 {
			s.closeSides()
			return nil, fmt.Errorf("parity %q: no database %q", p.Name, name)
		}
		c, engine, err := connect(dbs[j], timeoutOf(p))
		if err != nil {
			s.closeSides()
			return nil, fmt.Errorf("parity %q: %w", p.Name, err)
		}
		s.engines[i] = engine
		if i == 0 {
			s.old = c
		} else {
			s.new = c
		}
	}
	return s, nil
}

// connect makes a side's connection in its engine, as its databases: entry says (engine:,
// else the DSN's scheme).
func connect(d config.Database, timeout time.Duration) (conn, string, error) {
	if d.IsPostgres() {
		c, err := postgres.NewConn(d.Name, d.DSN, timeout)
		return c, enginePostgres, err
	}
	c, err := mysql.NewConn(d.Name, d.DSN, timeout)
	return c, engineMySQL, err
}

func (s *Source) closeSides() {
	for _, c := range []conn{s.old, s.new} {
		if c != nil {
			_ = c.Close()
		}
	}
}

func timeoutOf(p config.Parity) time.Duration {
	if p.Timeout > 0 {
		return p.Timeout.D()
	}
	return config.DefaultParityTimeout.D()
}

// Name is the entry's name.
func (s *Source) Name() string { return s.cfg.Name }

// Kind is "parity".
func (s *Source) Kind() string { return Kind.Name }

// Close closes both pools.
func (s *Source) Close() error {
	err := s.old.Close()
	if nerr := s.new.Close(); err == nil {
		err = nerr
	}
	return err
}

// Poll takes counts and key bounds on both sides and moves the walk on.
func (s *Source) Poll(ctx context.Context) sources.Result {
	db, err := s.connect(ctx)
	if err != nil {
		return failed(err)
	}
	if s.table == nil {
		if err := s.prepare(ctx, db); err != nil {
			return failed(err)
		}
	}
	if s.columnProb != "" {
		return s.result(sources.Crit, s.columnProb)
	}
	ob, err := s.table.boundsOf(ctx, db.old)
	if err != nil {
		return failed(s.oldErr(ctx, "count", err))
	}
	nb, err := s.tableNew.boundsOf(ctx, db.new)
	if err != nil {
		return failed(s.newErr(ctx, "count", err))
	}
	s.oldRows, s.newRows = ob.rows, nb.rows
	lag, known := s.opt.Lag()
	if !known {
		lag = -1
	}
	s.lagSeen, s.pausedBy = lag, 0
	if err := s.countPending(ctx, db, ob, nb); err != nil {
		return failed(err)
	}
	if s.method == methodCounts {
		return s.countsPoll(ctx, ob, nb, lag)
	}
	if known && lag > s.cfg.MaxLag.D().Seconds() && !s.opt.Complete {
		s.pausedBy = lag
		return s.result(sources.OK, "")
	}
	if err := s.advance(ctx, db, lower(ob.max, nb.max), lag); err != nil {
		return s.withError(err)
	}
	return s.result(sources.OK, "")
}

// connect returns both pools.
func (s *Source) connect(ctx context.Context) (sides, error) {
	o, err := s.old.DB(ctx)
	if err != nil {
		return sides{}, err
	}
	n, err := s.new.DB(ctx)
	if err != nil {
		return sides{}, err
	}
	return sides{o, n}, nil
}

// countPending counts the rows beyond what both sides have: above the lower of the two
// largest keys, on the side that has them.
func (s *Source) countPending(ctx context.Context, db sides, ob, nb bounds) error {
	s.pending = 0
	switch {
	case ob.max == nil && nb.max == nil:
	case nb.max == nil:
		s.pending = ob.rows
	case ob.max == nil:
		s.pending = nb.rows
	case compareKeys(ob.max, nb.max) > 0:
		n, err := s.table.countAbove(ctx, db.old, nb.max)
		if err != nil {
			return s.oldErr(ctx, "count", err)
		}
		s.pending = n
	case compareKeys(nb.max, ob.max) > 0:
		n, err := s.tableNew.countAbove(ctx, db.new, ob.max)
		if err != nil {
			return s.newErr(ctx, "count", err)
		}
		s.pending = n
	}
	return nil
}

// advance rechecks suspects, moves the walk on within the poll's budget, and closes the pass
// when it reaches the end.
func (s *Source) advance(ctx context.Context, db sides, limit key, lag float64) error {
	b := &budget{left: s.cfg.ChunksPerPoll}
	if s.cfg.ChunksPerPoll <= 0 {
		b.left = config.DefaultChunksPerPoll
	}
	if s.opt.Complete {
		b.left = -1
	}
	if s.walk.started.IsZero() {
		s.walk.started = s.now()
	}
	if err := s.recheck(ctx, db, lag, b); err != nil {
		return err
	}
	done, err := s.step(ctx, db, limit, lag, b)
	if err != nil || !done {
		return err
	}
	if s.opt.Complete && len(s.walk.suspects) > 0 && lag >= 0 && lag <= 10 {
		if err := s.waitOut(ctx, lag); err != nil {
			return err
		}
		if err := s.recheck(ctx, db, lag, b); err != nil {
			return err
		}
	}
	s.finish()
	return nil
}

// waitOut waits the lag and a second, for check to tell a suspect from a difference.
func (s *Source) waitOut(ctx context.Context, lag float64) error {
	t := time.NewTimer(time.Duration((lag + 1.1) * float64(time.Second)))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// finish closes a pass and starts the next from the first key.
func (s *Source) finish() {
	w := s.walk
	s.last = &finished{at: s.now(), diffs: w.found, checked: w.checked,
		equal: len(w.found) == 0 && len(w.suspects) == 0 && s.pending == 0 && s.oldRows == s.newRows}
	s.prev = w.found
	s.walk = walk{suspects: w.suspects}
}

func (s *Source) oldErr(ctx context.Context, what string, err error) error {
	return s.old.Describe(ctx, what, err)
}

func (s *Source) newErr(ctx context.Context, what string, err error) error {
	return s.new.Describe(ctx, what, err)
}

func (s *Source) sideErr(ctx context.Context, old bool, what string, err error) error {
	if old {
		return s.oldErr(ctx, what, err)
	}
	return s.newErr(ctx, what, err)
}

func failed(err error) sources.Result {
	return sources.Result{Status: sources.Unknown, Failed: true, Error: err.Error(), Unit: "rows"}
}
