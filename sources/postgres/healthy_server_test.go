package postgres

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// TestHealthyCluster: under a write load the primary is a writable primary that sees its
// standby streaming and its subscriber's slot active; the standby and the subscriber are
// replicas with a small lag (the subscriber warns of its sequence until it is moved); every poll reports exactly the declared facts.
func TestHealthyCluster(t *testing.T) {
	c := needCluster(t)
	writeLoad(t)
	all := trio()
	exp := sources.NewExpectations(map[string]string{"primary": "writable"})
	p, sb, sub := newSource(t, all[0], all, exp), newSource(t, all[1], all, exp), newSource(t, all[2], all, exp)

	r := poll(p)
	if r.Status != sources.OK || r.Facts["role"] != "primary" || r.Facts["read_only"] != false ||
		!strings.Contains(r.Detail, "1 standby streaming") || !strings.Contains(r.Detail, "writable ✓") {
		t.Fatalf("primary: %s", describeResult(r))
	}
	slots := r.Facts["slots"].([]map[string]any)
	if len(slots) != 2 || slots[0]["slot"] != "standby" || slots[1]["slot"] != "sub" || slots[1]["active"] != true {
		t.Errorf("slots %v", slots)
	}
	standbys := r.Facts["standbys"].([]map[string]any)
	if len(standbys) != 2 {
		t.Errorf("standbys %v", standbys)
	}
	// Logical replication copies rows, not sequences: the subscriber's orders_id_seq is
	// behind until someone moves it (as a cutover must, before writes move).
	r = pollUntil(t, sub, 10*time.Second, "sequences behind", func(r sources.Result) bool {
		return r.Status == sources.Warn && strings.Contains(r.Detail, "sequences behind: orders_id_seq")
	})
	if seqs := r.Facts["sequences_behind"].([]string); len(seqs) != 1 || seqs[0] != "orders_id_seq" {
		t.Errorf("sequences_behind %v", seqs)
	}
	exec(t, c.Subscriber, "SELECT setval('orders_id_seq', 1000000)")
	t.Cleanup(func() { exec(t, c.Subscriber, "SELECT setval('orders_id_seq', 1)") })
	for _, s := range []*Source{sb, sub} {
		r := pollUntil(t, s, 10*time.Second, "ok with a lag under 2 s", func(r sources.Result) bool {
			return r.Status == sources.OK && lagOf(r) >= 0 && lagOf(r) < 2
		})
		if r.Facts["role"] != "replica" || r.Facts["io_running"] != true || r.Facts["sql_running"] != true {
			t.Errorf("%s: %s", s.Name(), describeResult(r))
		}
		if _, ok := r.Facts["lag_bytes"].(float64); !ok {
			t.Errorf("%s: lag_bytes %v", s.Name(), r.Facts["lag_bytes"])
		}
		t.Logf("%s: %s", s.Name(), r.Detail)
	}
	for _, s := range []*Source{p, sb, sub} {
		if err := sources.CheckFacts(Kind, poll(s).Facts); err != nil {
			t.Errorf("%s: %v", s.Name(), err)
		}
	}
}
