package parity

import (
	"testing"

	"github.com/warroom-dev/warroom/sources"
)

// TestFactsDeclared: polls of real MariaDB tables — a complete walk of identical tables, one
// with a difference, one paused by lag — report exactly the facts Kind declares.
func TestFactsDeclared(t *testing.T) {
	needPair(t)
	rs := []sources.Result{
		poll(t, source(t, nil, nil, true)),
		poll(t, source(t, nil, &lagged{s: 12, known: true}, false)),
	}
	onNew(t, "UPDATE market.orders SET status = 'refunded' WHERE id = 25000")
	t.Cleanup(func() { onNew(t, "UPDATE market.orders SET status = 'paid' WHERE id = 25000") })
	rs = append(rs, poll(t, source(t, nil, nil, true)))
	for i, r := range rs {
		if err := sources.CheckFacts(Kind, r.Facts); err != nil {
			t.Errorf("poll %d: %v (%s)", i, err, show(r))
		}
	}
	if len(ranges(t, rs[2])) == 0 {
		t.Fatalf("the deleted row was not found: %s", show(rs[2]))
	}
}
