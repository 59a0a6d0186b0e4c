package sources

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type collector struct {
	mu      sync.Mutex
	reports []Report
	times   []time.Time
}

func (c *collector) sink(r Report, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reports = append(c.reports, r)
	c.times = append(c.times, at)
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.reports)
}

func runFor(t *testing.T, s *Scheduler, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	s.Run(ctx)
}

func TestSchedulerPollsOnInterval(t *testing.T) {
	var n atomic.Int64
	job := Job{Name: "a", Interval: 50 * time.Millisecond, Timeout: 20 * time.Millisecond,
		Poll: func(ctx context.Context) []Report {
			n.Add(1)
			return []Report{{Source: "a", Result: Result{Status: OK, Value: Float(1)}}}
		}}
	var c collector
	s := NewScheduler([]Job{job}, c.sink)
	runFor(t, s, 600*time.Millisecond)
	// 600 ms at 50 ms: about 12 polls; allow for a slow, shared machine but catch a
	// scheduler that polls once or spins.
	if got := n.Load(); got < 2 || got > 14 {
		t.Fatalf("polls in 600ms at 50ms interval = %d, want about 12", got)
	}
	if c.count() != int(n.Load()) {
		t.Fatalf("sink got %d reports for %d polls", c.count(), n.Load())
	}
}

func TestSchedulerNeverOverlapsAndCountsSkips(t *testing.T) {
	var running, maxRunning atomic.Int64
	job := Job{Name: "slow", Interval: 20 * time.Millisecond, Timeout: 500 * time.Millisecond,
		Poll: func(ctx context.Context) []Report {
			cur := running.Add(1)
			for {
				old := maxRunning.Load()
				if cur <= old || maxRunning.CompareAndSwap(old, cur) {
					break
				}
			}
			time.Sleep(120 * time.Millisecond)
			running.Add(-1)
			return []Report{{Source: "slow", Result: Result{Status: OK}}}
		}}
	var c collector
	s := NewScheduler([]Job{job}, c.sink)
	runFor(t, s, 500*time.Millisecond)
	if maxRunning.Load() != 1 {
		t.Fatalf("max concurrent polls = %d, want 1", maxRunning.Load())
	}
	if st := s.Stats()[0]; st.Skipped == 0 {
		t.Fatalf("a poll slower than its interval must be counted as skipped: %+v", st)
	}
}

func TestSchedulerTimeoutEndsHangingPoll(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hang := Job{Name: "hang", Interval: 50 * time.Millisecond, Timeout: 200 * time.Millisecond,
		Poll: func(ctx context.Context) []Report {
			<-ctx.Done()
			return []Report{{Source: "hang", Result: Result{Status: Crit, Failed: true, Error: "timeout: " + ctx.Err().Error()}}}
		}}
	fast := Job{Name: "fast", Interval: 10 * time.Millisecond, Timeout: 10 * time.Millisecond,
		Poll: func(ctx context.Context) []Report { return []Report{{Source: "fast", Result: Result{Status: OK}}} }}
	var mu sync.Mutex
	quick, quickAtHang := 0, -1
	var hangErr string
	s := NewScheduler([]Job{hang, fast}, func(r Report, _ time.Time) {
		mu.Lock()
		defer mu.Unlock()
		if r.Source == "fast" {
			quick++
			return
		}
		if quickAtHang < 0 {
			quickAtHang, hangErr = quick, r.Result.Error
			cancel()
		}
	})
	s.Run(ctx)
	mu.Lock()
	defer mu.Unlock()
	if quickAtHang < 0 {
		t.Fatal("the hanging poll was never ended by its timeout")
	}
	if hangErr == "" {
		t.Fatal("the hanging poll reported no error")
	}
	// While the hanging poll waited out its 200 ms timeout, a 10 ms source kept polling.
	if quickAtHang < 3 {
		t.Fatalf("a hanging source held up another: fast polled %d times meanwhile", quickAtHang)
	}
}

func TestSchedulerBacksOffAfterErrorsAndHonoursNextIn(t *testing.T) {
	var n atomic.Int64
	failing := Job{Name: "f", Interval: 20 * time.Millisecond, Timeout: 10 * time.Millisecond,
		Poll: func(ctx context.Context) []Report {
			n.Add(1)
			return []Report{{Source: "f", Result: Result{Status: Crit, Failed: true, Error: "refused"}}}
		}}
	var m atomic.Int64
	limited := Job{Name: "l", Interval: 20 * time.Millisecond, Timeout: 10 * time.Millisecond,
		Poll: func(ctx context.Context) []Report {
			m.Add(1)
			return []Report{{Source: "l", Result: Result{Status: OK, NextIn: time.Hour}}}
		}}
	var c collector
	s := NewScheduler([]Job{failing, limited}, c.sink)
	runFor(t, s, 600*time.Millisecond)
	// Without backoff: ~30 polls. With doubling capped at 80 ms: 20+40+80+80+... ≈ 9.
	if got := n.Load(); got > 14 || got < 2 {
		t.Fatalf("failing job polled %d times in 600ms, want backoff (3..14)", got)
	}
	if got := m.Load(); got != 1 {
		t.Fatalf("job asking NextIn=1h polled %d times, want 1", got)
	}
	if s.Stats()[0].Failures < 3 {
		t.Fatalf("failures not counted: %+v", s.Stats()[0])
	}
}

func TestBackoffCap(t *testing.T) {
	cases := []struct{ interval, want time.Duration }{
		{time.Second, 4 * time.Second},
		{30 * time.Second, time.Minute},
		{2 * time.Minute, 2 * time.Minute},
	}
	for _, c := range cases {
		if got := BackoffCap(c.interval); got != c.want {
			t.Errorf("BackoffCap(%v) = %v, want %v", c.interval, got, c.want)
		}
		if got := backoff(c.interval, 50); got != c.want {
			t.Errorf("backoff(%v, 50) = %v, want the cap %v", c.interval, got, c.want)
		}
	}
	if got := backoff(time.Second, 2); got != 2*time.Second {
		t.Errorf("second failure waits %v, want 2s", got)
	}
}

func TestPollOnceRunsInParallel(t *testing.T) {
	// Every poll waits until all five have started: only a parallel PollOnce finishes
	// before the polls' own timeout.
	var started sync.WaitGroup
	started.Add(5)
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	var jobs []Job
	for i := 0; i < 5; i++ {
		name := string(rune('a' + i))
		jobs = append(jobs, Job{Name: name, Interval: time.Second, Timeout: 5 * time.Second,
			Poll: func(ctx context.Context) []Report {
				started.Done()
				select {
				case <-all:
					return []Report{{Source: name, Result: Result{Status: OK}}}
				case <-ctx.Done():
					return []Report{{Source: name, Result: Result{Status: Crit, Failed: true, Error: "not parallel"}}}
				}
			}})
	}
	reps := PollOnce(context.Background(), jobs)
	for i, r := range reps {
		if r.Source != jobs[i].Name {
			t.Fatalf("report %d is %q, want job order", i, r.Source)
		}
		if r.Result.Failed {
			t.Fatalf("%s: %s", r.Source, r.Result.Error)
		}
	}
}

func TestStatusRankAndThreshold(t *testing.T) {
	if Worst(OK, Unknown) != Unknown || Worst(Warn, Unknown) != Warn || Worst(Crit, Warn) != Crit {
		t.Fatal("ranking must be crit > warn > unknown > ok")
	}
	th := Threshold{Warn: Float(800), Crit: Float(1500)}
	if th.Status(100) != OK || th.Status(800) != Warn || th.Status(2000) != Crit {
		t.Fatal("higher-is-worse threshold wrong")
	}
	low := Threshold{Warn: Float(10), Crit: Float(5), Below: true}
	if low.Status(20) != OK || low.Status(8) != Warn || low.Status(1) != Crit {
		t.Fatal("below threshold wrong")
	}
}

// One failing member of a batch (a Datadog query that is rejected) must not slow the rest.
func TestBatchBacksOffOnlyWhenAllFail(t *testing.T) {
	var n atomic.Int64
	batch := Job{Name: "batch", Interval: 20 * time.Millisecond, Timeout: 10 * time.Millisecond,
		Poll: func(ctx context.Context) []Report {
			n.Add(1)
			return []Report{
				{Source: "good", Result: Result{Status: OK}},
				{Source: "bad", Result: Result{Status: Unknown, Failed: true, Error: "query rejected"}},
			}
		}}
	s := NewScheduler([]Job{batch}, func(Report, time.Time) {})
	runFor(t, s, 600*time.Millisecond)
	if f := s.Stats()[0].Failures; f != 0 {
		t.Fatalf("a batch with one good report counted %d failures", f)
	}
	if n.Load() < 2 {
		t.Fatal("the batch was not polled")
	}
}

func TestDurationThreshold(t *testing.T) {
	ms := DurationThreshold(500*time.Millisecond, 2*time.Second, time.Millisecond)
	if *ms.Warn != 500 || *ms.Crit != 2000 || ms.Status(600) != Warn {
		t.Fatalf("latency threshold in ms: %v %v", *ms.Warn, *ms.Crit)
	}
	s := DurationThreshold(0, 30*time.Second, time.Second)
	if s.Warn != nil || *s.Crit != 30 || s.Status(29) != OK {
		t.Fatal("a zero warn must not be checked; crit 30s is 30")
	}
}

func TestSlotRoundsUp(t *testing.T) {
	base := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	for _, c := range []struct{ in, want time.Duration }{
		{0, 0}, {time.Millisecond, Slot}, {Slot, Slot}, {Slot + 1, 2 * Slot}, {950 * time.Millisecond, time.Second},
	} {
		if got := slot(base.Add(c.in)).Sub(base); got != c.want {
			t.Errorf("slot(+%v) = +%v, want +%v", c.in, got, c.want)
		}
	}
}

// A poll that ignores its context is given up on after its timeout, reported for every source
// of its batch, and its job is not polled again until it returns: never two polls at once.
func TestHungPollIsNotOverlapped(t *testing.T) {
	release := make(chan struct{})
	var running, maxRunning, polls atomic.Int64
	job := Job{Name: "datadog", Sources: []string{"a", "b"}, Interval: 50 * time.Millisecond, Timeout: 20 * time.Millisecond,
		Poll: func(ctx context.Context) []Report {
			polls.Add(1)
			if n := running.Add(1); n > maxRunning.Load() {
				maxRunning.Store(n)
			}
			defer running.Add(-1)
			<-release // ignores ctx
			return []Report{{Source: "a", Result: Result{Status: OK}}, {Source: "b", Result: Result{Status: OK}}}
		}}
	var c collector
	s := NewScheduler([]Job{job}, c.sink)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	time.Sleep(1600 * time.Millisecond)
	if maxRunning.Load() != 1 || polls.Load() != 1 {
		t.Fatalf("while the first poll hung: %d polls, %d at once; want 1 and 1", polls.Load(), maxRunning.Load())
	}
	c.mu.Lock()
	got := map[string]bool{}
	for _, r := range c.reports {
		if r.Result.Failed && strings.Contains(r.Result.Error, "did not return") {
			got[r.Source] = true
		}
	}
	c.mu.Unlock()
	if !got["a"] || !got["b"] {
		t.Fatalf("the hung batch must be reported for each of its sources: %v", got)
	}
	close(release)
	time.Sleep(300 * time.Millisecond)
	cancel()
	<-done
	if polls.Load() < 2 {
		t.Fatal("the job was not polled again after the hung poll returned")
	}
}
