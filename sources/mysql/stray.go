package mysql

import (
	"sort"
	"strings"
	"time"
)

// finding is one origin of stray writes a poll found: a MariaDB (domain, server_id), a MySQL
// server UUID, or the binary log position.
type finding struct {
	Key  string // "0-11" | UUID | "binlog"
	Text string // what to show: "0-11-4521", "uuid:23-25", "binlog bin.000007:1032 → 2201"
}

// strayEntry is a finding with the time warroom first saw it.
type strayEntry struct {
	finding
	First time.Time
}

// strayState remembers stray writes across polls. A DBA needs a stray write to stay on the
// board until someone has dealt with it, not to blink away on the next poll:
//   - Findings from comparing a replica with its primary are the truth of the moment: an entry
//     goes when the primary has those GTIDs too (reconciled, e.g. by injecting them there) or
//     the replica no longer holds them.
//   - Findings from watching a node on its own (its binary log or GTID set moving since
//     warroom first saw it in a must-not-write state, or MariaDB's gtid_current_pos running
//     ahead of gtid_slave_pos) stay until the operator changes the node's expectation (a
//     checkpoint done or reopened), or the node, having no expectation, is no longer in a
//     must-not-write state (made writable and no longer replicating: it is a primary now).
type strayState struct {
	expect   string
	entries  map[string]*strayEntry
	baseline string // the GTID set or binlog position when first seen in a must-not-write state
	method   string // what the baseline is: "gtid" or "binlog"
	epoch    int64  // the journal seq of the done whose baseline this is; 0: first seen here
}

// reset forgets every stray write and the baseline.
func (s *strayState) reset() {
	s.entries, s.baseline, s.method = nil, "", ""
}

// noteExpect resets the state when the operator changed the node's expectation.
func (s *strayState) noteExpect(expect string) {
	if expect != s.expect {
		s.reset()
		s.expect = expect
	}
}

// setBaseline records the starting point of a must-not-write node watched on its own; it
// returns false when a baseline of that method is already set.
func (s *strayState) setBaseline(method, value string) bool {
	if s.method == method {
		return false
	}
	s.baseline, s.method = value, method
	return true
}

// authoritative replaces the entries with a fresh comparison against the primary, keeping
// first-seen times of entries still present. It returns the findings seen for the first time.
func (s *strayState) authoritative(found []finding, now time.Time) []finding {
	old := s.entries
	s.entries = nil
	var fresh []finding
	for _, f := range found {
		e, ok := old[f.Key]
		if !ok {
			e = &strayEntry{First: now}
			fresh = append(fresh, f)
		}
		e.finding = f
		s.add(e)
	}
	return fresh
}

// latch adds findings from watching the node on its own; they stay until reset.
func (s *strayState) latch(found []finding, now time.Time) []finding {
	var fresh []finding
	for _, f := range found {
		if e, ok := s.entries[f.Key]; ok {
			e.finding = f
			continue
		}
		s.add(&strayEntry{finding: f, First: now})
		fresh = append(fresh, f)
	}
	return fresh
}

func (s *strayState) add(e *strayEntry) {
	if s.entries == nil {
		s.entries = map[string]*strayEntry{}
	}
	s.entries[e.Key] = e
}

// list returns the entries, oldest first.
func (s *strayState) list() []strayEntry {
	out := make([]strayEntry, 0, len(s.entries))
	for _, e := range s.entries {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].First.Equal(out[j].First) {
			return out[i].First.Before(out[j].First)
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// gtids joins the entries' texts for the errant_gtids fact.
func gtids(es []strayEntry) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Text
	}
	return clip(strings.Join(parts, ","), 1024)
}

// mariaFindings turns MariaDB GTIDs into findings keyed by (domain, server_id).
func mariaFindings(gs []mariaGTID) []finding {
	out := make([]finding, 0, len(gs))
	for _, g := range gs {
		out = append(out, finding{Key: g.pair(), Text: g.String()})
	}
	return out
}

// mysqlFindings turns a MySQL GTID set into findings keyed by server UUID; with own set, only
// the part that server originated.
func mysqlFindings(set string, own string) ([]finding, error) {
	parts, err := parseMySQLGTIDSet(set)
	if err != nil {
		return nil, err
	}
	var out []finding
	for _, p := range parts {
		if own != "" && !strings.EqualFold(p.UUID, own) {
			continue
		}
		out = append(out, finding{Key: p.UUID, Text: p.Text})
	}
	return out, nil
}
