package demo

import (
	"context"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// clock and plan are a fake runsheet the world reads: which checkpoint is in which state
// since when.
type fake struct {
	now    time.Time
	states map[string]string
	since  map[string]time.Time
}

func (f *fake) set(id, state string, ago time.Duration) {
	f.states[id], f.since[id] = state, f.now.Add(-ago)
}

func (f *fake) progress(id string) (string, time.Time) {
	if s, ok := f.states[id]; ok {
		return s, f.since[id]
	}
	return "pending", time.Time{}
}

func newFake() *fake {
	return &fake{now: time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC), states: map[string]string{}, since: map[string]time.Time{}}
}

func poll(t *testing.T, w *World, name string) sources.Result {
	t.Helper()
	for _, d := range w.Sources(time.Second) {
		if d.Source.Name() == name {
			return d.Source.Poll(context.Background())
		}
	}
	t.Fatalf("no demo source %q", name)
	return sources.Result{}
}

func TestTheStrayWriteIsCritAfterTheFreeze(t *testing.T) {
	f := newFake()
	w := NewWorld(func() time.Time { return f.now }, f.progress)
	if r := poll(t, w, "old-primary"); r.Status != sources.OK || r.Facts["read_only"] != false {
		t.Fatalf("before the freeze: %+v", r)
	}
	f.set("freeze", "done", 2*time.Second)
	if r := poll(t, w, "old-primary"); r.Status != sources.OK || r.Facts["read_only"] != true {
		t.Fatalf("just after the freeze: %+v", r)
	}
	f.set("freeze", "done", 10*time.Second)
	r := poll(t, w, "old-primary")
	if r.Status != sources.Crit || r.Facts["stray_writes"] != true || r.Failed || r.Facts["errant_gtids"] == "" {
		t.Fatalf("the stray write must show crit (and as an answer, not a failed poll): %+v", r)
	}
}

func TestLagDrainsAndResponseTimesSettleLower(t *testing.T) {
	f := newFake()
	w := NewWorld(func() time.Time { return f.now }, f.progress)
	if lag := *poll(t, w, "cloud-writer").Value; lag < 0.3 {
		t.Fatalf("lag under load before the freeze = %v, want some", lag)
	}
	f.set("freeze", "done", 20*time.Second)
	if r := poll(t, w, "cloud-writer"); *r.Value > 0.1 {
		t.Fatalf("lag 20 s after the freeze = %v, want drained", *r.Value)
	}
	before := avg(t, w, 50)
	f.set("dns", "running", 10*time.Second)
	if spike := *poll(t, w, "app p95").Value; spike < 1200 {
		t.Fatalf("p95 during the cutover = %v, want a spike", spike)
	}
	f.set("dns", "done", time.Minute)
	if after := avg(t, w, 50); after >= before*0.9 {
		t.Fatalf("p95 after the cutover %v, before %v: want it settled lower", after, before)
	}
	if r := poll(t, w, "market.example A"); r.Facts["matched"] != true {
		t.Fatalf("DNS after the cutover: %+v", r.Facts)
	}
}

func avg(t *testing.T, w *World, n int) float64 {
	sum := 0.0
	for i := 0; i < n; i++ {
		sum += *poll(t, w, "app p95").Value
	}
	return sum / float64(n)
}
