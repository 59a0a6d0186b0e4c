package health

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestServedByBalancedPoolDoesNotFlap: a random 50:50 pool (a load balancer with two equal
// backends) is not a stream of "most answers now from" events; a real move still is one.
func TestServedByBalancedPoolDoesNotFlap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var s servedBy
	moves := 0
	for range 1000 {
		v := "a"
		if r.IntN(2) == 1 {
			v = "b"
		}
		if strings.Contains(s.add(v), "most answers now from") {
			moves++
		}
	}
	if moves > 5 {
		t.Errorf("a 50:50 pool made %d majority events in 1000 answers", moves)
	}
	moved := false
	for range servedByWindow {
		if strings.Contains(s.add("c"), "most answers now from c") {
			moved = true
		}
	}
	if !moved {
		t.Error("a move of every answer to c was no majority event")
	}
}
