package runsheet

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
	"go.uber.org/goleak"
)

// TestWatchSeesOtherProcess: a change another process journals shows in this one's view
// and on its board (Watch looks every 500 ms; 3 s leaves room for a loaded machine), and
// Watch ends with its context.
func TestWatchSeesOtherProcess(t *testing.T) {
	defer goleak.VerifyNone(t)
	path := journalPath(t)
	b := board.New(nil, board.Options{})
	s, err := Open(procPlan(path), Options{Board: b})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); s.Watch(ctx) }()
	defer func() { cancel(); wg.Wait() }()

	cmd, out := child(t, "once", path, "a")
	acks := lines(out)
	if err := cmd.Wait(); err != nil || len(acks) != 1 || acks[0] != "1" {
		t.Fatalf("writer: %v %q", err, acks)
	}
	acked := time.Now()
	for cp(s.View(), "a").State != Running {
		if time.Since(acked) > 3*time.Second {
			t.Fatalf("no sign of the other process's start after %s", time.Since(acked))
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("seen %s after the other process acknowledged it", time.Since(acked).Round(time.Millisecond))
	found := false
	for _, e := range b.Snapshot().Events {
		found = found || (e.Kind == "checkpoint" && e.Text == "a started by child")
	}
	if !found {
		t.Fatal("the other process's transition is not on the board's event log")
	}
	if c := cp(s.View(), "a"); c.By != "child" {
		t.Fatalf("by: %q", c.By)
	}
}

// TestWatchPutsBackADeletedJournal: a journal deleted under a running process is put back
// from what that process read, with a warning in the view and on the board's event log.
func TestWatchPutsBackADeletedJournal(t *testing.T) {
	path := journalPath(t)
	b := board.New(nil, board.Options{})
	s := open(t, basicPlan(path), Options{Board: b})
	do(t, s, "a", Start)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	s.Refresh()
	w := s.View().Warnings
	if len(w) != 1 || !strings.Contains(w[0], "was deleted while warroom ran; it was put back from the 1 transitions") {
		t.Fatalf("warnings: %q", w)
	}
	if got := readJournal(t, path); len(got) != 1 || got[1].Checkpoint != "a" {
		t.Fatalf("journal put back with %v", got)
	}
	found := false
	for _, e := range b.Snapshot().Events {
		found = found || (e.Kind == "journal" && e.Status == sources.Warn && e.Text == w[0])
	}
	if !found {
		t.Fatalf("the warning is not on the board's event log: %+v", b.Snapshot().Events)
	}
}
