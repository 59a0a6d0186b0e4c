// Package mysql watches MySQL, MariaDB and Aurora MySQL nodes for a cutover: replication lag
// (from a pt-heartbeat table, the replica status, or Aurora's cluster status), replication
// thread state, read-only state against what the runsheet expects, and stray writes — a
// transaction originated on a node that is not the primary.
package mysql

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// Source polls one database node. It implements sources.Source with kind "mysql".
type Source struct {
	name      string
	replicaOf string
	node      *node
	primary   *node // the node replica_of names; nil without one
	hb        *heartbeat
	lag       sources.Threshold
	exp       *sources.Expectations
	timeout   time.Duration
	now       func() time.Time

	mu       sync.Mutex // one poll at a time; guards everything below
	stray    strayState
	lastInfo *serverInfo
	bases    *sources.Baselines // journaled baselines of frozen nodes; nil: none (see baseline.go)
	offer    func()             // a position to offer as the baseline, after the poll
}

// Defaults used when neither the database nor the config's defaults set them.
const (
	defaultInterval = 5 * time.Second
	defaultTimeout  = 3 * time.Second
)

// New makes the source for db. all is every configured database (to find the one replica_of
// names), d the config's defaults, exp the live expectations (read on every poll). No
// connection is opened until the first poll.
func New(db config.Database, all []config.Database, d config.Defaults, exp *sources.Expectations) (*Source, error) {
	timeout := Timeout(db, d)
	s := &Source{name: db.Name, replicaOf: db.ReplicaOf, exp: exp, timeout: timeout, now: time.Now}
	if db.Expect != "" && db.Expect != expectWritable && db.Expect != expectReadOnly {
		return nil, fmt.Errorf("database %q: expect %q is not writable or read_only", db.Name, db.Expect)
	}
	var err error
	if s.node, err = newNode(db.Name, db.DSN, timeout); err != nil {
		return nil, err
	}
	if db.ReplicaOf != "" {
		p, ok := find(all, db.ReplicaOf)
		if !ok || db.ReplicaOf == db.Name {
			return nil, fmt.Errorf("database %q: replica_of %q is not another configured database", db.Name, db.ReplicaOf)
		}
		if s.primary, err = newNode(p.Name, p.DSN, timeout); err != nil {
			return nil, err
		}
	}
	if s.hb, err = newHeartbeat(db.Heartbeat); err != nil {
		return nil, fmt.Errorf("database %q: %w", db.Name, err)
	}
	s.lag = sources.DurationThreshold(db.Lag.Warn.D(), db.Lag.Crit.D(), time.Second)
	if exp == nil {
		s.exp = sources.NewExpectations(map[string]string{db.Name: db.Expect})
	}
	return s, nil
}

// Interval is how often db is polled: its own interval, else the defaults', else 5 s.
func Interval(db config.Database, d config.Defaults) time.Duration {
	switch {
	case db.Interval > 0:
		return db.Interval.D()
	case d.Interval > 0:
		return d.Interval.D()
	}
	return defaultInterval
}

// Timeout bounds one poll of db (and caps its queries on the server): its own timeout, else
// the defaults', else 3 s.
func Timeout(db config.Database, d config.Defaults) time.Duration {
	switch {
	case db.Timeout > 0:
		return db.Timeout.D()
	case d.Timeout > 0:
		return d.Timeout.D()
	}
	return defaultTimeout
}

func find(all []config.Database, name string) (config.Database, bool) {
	for _, d := range all {
		if d.Name == name {
			return d, true
		}
	}
	return config.Database{}, false
}

// Name is the database's configured name.
func (s *Source) Name() string { return s.name }

// Kind is "mysql" for every dialect.
func (s *Source) Kind() string { return "mysql" }

// Close closes the connection pools. A later Poll opens them again.
func (s *Source) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.node.close()
	if s.primary != nil {
		s.primary.close()
	}
	return nil
}

// Poll reads the node once. It never takes longer than ctx allows (nor the configured
// timeout), and reports a node that is down as crit with the reason; the next poll
// reconnects.
func (s *Source) Poll(ctx context.Context) sources.Result {
	if !s.mu.TryLock() {
		return sources.Result{Status: sources.Unknown, Detail: "previous poll still running"}
	}
	r := s.poll(ctx)
	offer := s.offer
	s.offer = nil
	s.mu.Unlock()
	if offer != nil {
		offer() // journals a baseline: outside the lock, since Position takes it
	}
	return r
}

// poll is one Poll. The caller holds s.mu.
func (s *Source) poll(ctx context.Context) sources.Result {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	expect := s.exp.Get(s.name)
	now := s.now()
	o, err := s.observe(ctx)
	if err != nil {
		return s.failed(err, expect)
	}
	s.lastInfo = o.info
	var cmp comparison
	if len(o.channels) > 0 && s.primary != nil && (s.hb != nil || mustNotWrite(expect, o)) {
		cmp = s.compare(ctx, o)
	}
	events, note := s.scanStray(ctx, o, expect, cmp, now)
	r := s.result(o, expect, cmp, note, now)
	r.Events = events
	return r
}
