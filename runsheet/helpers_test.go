package runsheet

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(runChild(mode))
	}
	goleak.VerifyTestMain(m)
}

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 8, 1, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func mins(n int) config.Duration { return config.Duration(time.Duration(n) * time.Minute) }

// basicPlan is a four-step plan: a → b → c, and d after [] (independent).
func basicPlan(journal string) config.Runsheet {
	return config.Runsheet{
		Journal: journal,
		Window:  config.Duration(2 * time.Hour),
		Checkpoints: []config.Checkpoint{
			{ID: "a", Title: "A", Owner: "dana", Planned: mins(10), Rollback: "undo a"},
			{ID: "b", Title: "B", Planned: mins(20), PointOfNoReturn: true, Rollback: "undo b"},
			{ID: "c", Title: "C", Planned: mins(30), Cutover: true, Rollback: "undo c"},
			{ID: "d", Title: "D", Planned: mins(5), After: []string{}},
		},
	}
}

// open opens rs with a fake clock, closing the sheet when the test ends.
func open(t *testing.T, rs config.Runsheet, opt Options) *Sheet {
	t.Helper()
	s, err := Open(rs, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func journalPath(t *testing.T) string {
	return filepath.Join(t.TempDir(), "cutover.journal")
}

// do applies one transition by "dana" and fails the test if it is refused.
func do(t *testing.T, s *Sheet, id string, a Action, note ...string) Transition {
	t.Helper()
	tr := Transition{Checkpoint: id, Action: a, By: "dana"}
	if len(note) > 0 {
		tr.Note = note[0]
	}
	got, err := s.Commit(context.Background(), tr)
	if err != nil {
		t.Fatalf("%s %s: %v", a, id, err)
	}
	return got
}

// refused applies a transition and returns the refusal's reason, failing if it applied.
func refused(t *testing.T, s *Sheet, tr Transition) string {
	t.Helper()
	if tr.By == "" {
		tr.By = "dana"
	}
	err := s.Apply(context.Background(), tr)
	var r *Refused
	if !errors.As(err, &r) {
		t.Fatalf("%s %s: want refused, got %v", tr.Action, tr.Checkpoint, err)
	}
	return r.Reason
}

// cp returns checkpoint id from a view.
func cp(v View, id string) Checkpoint {
	for _, c := range v.Checkpoints {
		if c.ID == id {
			return c
		}
	}
	return Checkpoint{}
}
