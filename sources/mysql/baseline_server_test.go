package mysql

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// TestJournaledBaseline: a source compares a frozen primary with the baseline the journal
// holds, not with its own first poll. With none journaled for the freeze it offers its
// position once per poll and says what it cannot see; a fresh source given the baseline
// sees a write made after it at its first poll; a new epoch (reopened and done again)
// starts afresh from the new baseline.
func TestJournaledBaseline(t *testing.T) {
	p := needPair(t)
	exec(t, p.Primary, "SET GLOBAL read_only = ON")
	t.Cleanup(func() { exec(t, p.Primary, "SET GLOBAL read_only = OFF") })
	exp := sources.NewExpectations(map[string]string{"old": "read_only"})
	bases := sources.NewBaselines()
	bases.Set("old", sources.Baseline{Epoch: 4, Checkpoint: "freeze"})
	var offered []sources.Position
	bases.OnMissing(func(db string, epoch int64, pos sources.Position, _ time.Time) {
		if db == "old" && epoch == 4 {
			offered = append(offered, pos)
		}
	})
	s := newSource(t, dbConf("old", p.Primary), nil, exp)
	s.UseBaselines(bases)
	r := poll(s)
	state := query(t, p.Primary, "SELECT @@gtid_binlog_state")
	if len(offered) != 1 || offered[0].GTID != state || r.Status != sources.OK ||
		!strings.Contains(r.Detail, "no baseline journaled with freeze done: stray writes are seen from this poll on") {
		t.Fatalf("no baseline journaled: offered %+v (state %q), %s", offered, state, describeResult(r))
	}
	bases.Set("old", sources.Baseline{Epoch: 4, Checkpoint: "freeze", Position: &offered[0]})

	exec(t, p.Primary, "INSERT INTO lab.orders (created, amount) VALUES (NOW(6), 4)")
	gtid := domainGTID(query(t, p.Primary, "SELECT @@gtid_binlog_pos"), "0")
	fresh := newSource(t, dbConf("old", p.Primary), nil, exp) // a fresh check or a restarted board
	fresh.UseBaselines(bases)
	if r := poll(fresh); r.Status != sources.Crit || r.Facts["stray_writes"] != true || r.Facts["errant_gtids"] != gtid {
		t.Fatalf("a fresh source after the write, against the journaled baseline: %s", describeResult(r))
	}
	if r := poll(s); r.Status != sources.Crit || r.Facts["errant_gtids"] != gtid {
		t.Fatalf("the running source: %s", describeResult(r))
	}
	now := sources.Position{GTID: query(t, p.Primary, "SELECT @@gtid_binlog_state")}
	bases.Set("old", sources.Baseline{Epoch: 7, Checkpoint: "freeze", Position: &now}) // reopened and done again
	for _, src := range []*Source{s, fresh} {
		if r := poll(src); r.Status != sources.OK || r.Facts["stray_writes"] != false {
			t.Fatalf("after a new baseline: %s", describeResult(r))
		}
	}
	if len(offered) != 1 {
		t.Fatalf("offered again with a baseline journaled: %+v", offered)
	}
}
