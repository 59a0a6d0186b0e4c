package notify

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
)

func val(v float64) *float64 { return &v }

// The first ok after start is silent; a change is told once, with the value and detail.
func TestStatusWatch(t *testing.T) {
	now := at
	b := board.New([]board.Info{{Name: "db", Unit: "s", Interval: time.Second}, {Name: "shop", Unit: "ms", Interval: time.Second}},
		board.Options{Now: func() time.Time { return now }})
	w := NewStatusWatch("Market cutover")
	if evs := w.Changes(b.Snapshot()); len(evs) != 0 {
		t.Fatalf("unknown at start sent %v", evs)
	}
	b.Ingest("db", sources.Result{Status: sources.OK, Value: val(0.2)}, now)
	b.Ingest("shop", sources.Result{Status: sources.Crit, Value: val(2100), Error: "status 503"}, now)
	evs := w.Changes(b.Snapshot())
	if len(evs) != 1 || evs[0].Source != "shop" || evs[0].From != "unknown" || evs[0].To != "crit" || evs[0].Detail != "status 503" {
		t.Fatalf("first statuses: %+v, want only shop's crit", evs)
	}
	if evs := w.Changes(b.Snapshot()); len(evs) != 0 {
		t.Fatalf("the same snapshot again sent %v", evs)
	}
	now = now.Add(time.Second)
	b.Ingest("db", sources.Result{Status: sources.Crit, Value: val(42), Detail: "SQL thread stopped"}, now)
	b.Ingest("shop", sources.Result{Status: sources.OK, Value: val(120)}, now)
	evs = w.Changes(b.Snapshot())
	if len(evs) != 2 || evs[0].Text(evs[0].Kinds[0]) != "Market cutover · 02:14:06 UTC · db: ok → crit (42 s) — SQL thread stopped" ||
		evs[1].Kinds[0] != KindRecovered {
		t.Fatalf("changes: %+v", evs)
	}
	now = now.Add(time.Minute) // db crit stays crit when stale; shop goes quiet
	b.Tick(now)
	evs = w.Changes(b.Snapshot())
	if len(evs) != 1 || evs[0].Source != "shop" || evs[0].To != "unknown" || evs[0].Kinds[0] != KindWarn || evs[0].Detail != "no answer (stale)" {
		t.Fatalf("stale: %+v", evs)
	}
}

// Only one holder of the notify lock at a time; releasing lets the next in.
func TestLockOneHolder(t *testing.T) {
	path := LockPath(filepath.Join(t.TempDir(), "j"))
	a, err := TryLock(path)
	if err != nil || a == nil {
		t.Fatalf("first TryLock: %v %v", a, err)
	}
	if b, err := TryLock(path); err != nil || b != nil {
		t.Fatalf("second TryLock got the lock (%v, %v)", b, err)
	}
	if err := a.Release(); err != nil {
		t.Fatal(err)
	}
	b, err := TryLock(path)
	if err != nil || b == nil {
		t.Fatalf("after release: %v %v", b, err)
	}
	b.Release()
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("lock file: %v %v", fi, err)
	}
}
