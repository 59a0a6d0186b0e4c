package sources

import "sync"

// Expectations holds what each database is expected to be right now ("writable" or
// "read_only"). The config sets the starting value; a done checkpoint with `expect:` changes
// it (and reopening restores it). Database sources read it on every poll. Safe for
// concurrent use.
type Expectations struct {
	mu sync.RWMutex
	m  map[string]string
}

// NewExpectations starts from the configured values (database name → expectation).
func NewExpectations(initial map[string]string) *Expectations {
	m := make(map[string]string, len(initial))
	for k, v := range initial {
		m[k] = v
	}
	return &Expectations{m: m}
}

// Get returns the expectation for a database, "" when there is none.
func (e *Expectations) Get(name string) string {
	if e == nil {
		return ""
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.m[name]
}

// Set changes the expectation for a database.
func (e *Expectations) Set(name, expect string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.m[name] = expect
}
