// Package postgres watches PostgreSQL and Aurora PostgreSQL nodes for a cutover: streaming
// standbys (lag from a heartbeat table or replay time, byte lag, the standbys a primary
// sees), logical replication (subscriptions, the publisher's slots, sequences left behind),
// read-only state against what the runsheet expects, and stray writes on a frozen primary.
// Its facts keep MySQL's names and meanings where both have them.
package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// The expectations, as config and the runsheet write them.
const (
	expectWritable = "writable"
	expectReadOnly = "read_only"
)

// Defaults used when neither the database nor the config's defaults set them.
const defaultTimeout = 3 * time.Second

// Source polls one PostgreSQL node. It implements sources.Source with kind "postgres".
type Source struct {
	name      string
	replicaOf string
	node      *node
	primary   *node // the primary or publisher replica_of names; nil without one
	hb        *heartbeat
	lag       sources.Threshold
	exp       *sources.Expectations
	timeout   time.Duration
	now       func() time.Time

	mu       sync.Mutex // one poll at a time; guards everything below
	stray    strayState
	lastInfo *serverInfo
}

// Is reports whether db is a PostgreSQL node: engine postgres, or a postgres:// DSN.
func Is(db config.Database) bool {
	return db.IsPostgres()
}

// New makes the source for db. all is every configured database (to find the one replica_of
// names), d the config's defaults, exp the live expectations (read on every poll). No
// connection is opened until the first poll.
func New(db config.Database, all []config.Database, d config.Defaults, exp *sources.Expectations) (*Source, error) {
	timeout := defaultTimeout
	switch {
	case db.Timeout > 0:
		timeout = db.Timeout.D()
	case d.Timeout > 0:
		timeout = d.Timeout.D()
	}
	if db.Expect != "" && db.Expect != expectWritable && db.Expect != expectReadOnly {
		return nil, fmt.Errorf("database %q: expect %q is not writable or read_only", db.Name, db.Expect)
	}
	s := &Source{name: db.Name, replicaOf: db.ReplicaOf, exp: exp, timeout: timeout, now: time.Now}
	utc := db.Heartbeat == nil || db.Heartbeat.UTC == nil || *db.Heartbeat.UTC
	var err error
	if s.node, err = newNode(db.Name, db.DSN, timeout, utc); err != nil {
		return nil, err
	}
	if db.ReplicaOf != "" {
		p, ok := find(all, db.ReplicaOf)
		if !ok || db.ReplicaOf == db.Name {
			return nil, fmt.Errorf("database %q: replica_of %q is not another configured database", db.Name, db.ReplicaOf)
		}
		if !Is(p) {
			return nil, fmt.Errorf("database %q: replica_of %q is not a PostgreSQL database", db.Name, db.ReplicaOf)
		}
		if s.primary, err = newNode(p.Name, p.DSN, timeout, true); err != nil {
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

// Kind is "postgres" for PostgreSQL and Aurora PostgreSQL.
func (s *Source) Kind() string { return Kind.Name }

// Close closes the connections. A later Poll opens them again.
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
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	expect := s.exp.Get(s.name)
	s.stray.noteExpect(expect)
	now := s.now()
	o, err := s.observe(ctx, func(o *observation) bool { return mustNotWrite(expect, o) })
	if err != nil {
		return s.failed(err, expect)
	}
	s.lastInfo = o.info
	var events []string
	if o.writes == nil {
		if expect == "" {
			s.stray.stop() // writable and not replicating with no expectation: a primary now
		}
	} else if e := s.stray.observe(o.writes, now); e != "" {
		events = append(events, e)
	}
	r := s.result(o, expect, now)
	r.Events = events
	return r
}
