package sources

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
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

// steady makes the scheduler's random choices the middle ones: each job's first poll half
// its spread into the run, and no jitter.
func steady(s *Scheduler) *Scheduler {
	s.randN = func(n int64) int64 { return n / 2 }
	return s
}

// offsets are the times of c's reports since start.
func (c *collector) offsets(start time.Time) []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]time.Duration, len(c.times))
	for i, at := range c.times {
		out[i] = at.Sub(start)
	}
	return out
}

// TestSchedulerPollsOnInterval (in a synctest bubble: fake time, exact counts): a 50 ms job
// polls first 25 ms in (half its spread), then on every 100 ms slot, each poll reported once.
func TestSchedulerPollsOnInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		job := Job{Name: "a", Interval: 50 * time.Millisecond, Timeout: 20 * time.Millisecond,
			Poll: func(ctx context.Context) []Report {
				n.Add(1)
				return []Report{{Source: "a", Result: Result{Status: OK, Value: Float(1)}}}
			}}
		var c collector
		start := time.Now()
		runFor(t, steady(NewScheduler([]Job{job}, c.sink)), 650*time.Millisecond)
		ms := time.Millisecond
		want := []time.Duration{25 * ms, 100 * ms, 200 * ms, 300 * ms, 400 * ms, 500 * ms, 600 * ms}
		if got := c.offsets(start); !slices.Equal(got, want) || n.Load() != int64(len(want)) {
			t.Fatalf("%d polls at %v, want %v", n.Load(), got, want)
		}
	})
}

// TestSchedulerJitterStaysInSlots: with random jitter (±5 %) every poll after the first
// still starts on a 100 ms slot, 100 or 200 ms after the one before.
func TestSchedulerJitterStaysInSlots(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		job := Job{Name: "a", Interval: 100 * time.Millisecond, Timeout: 20 * time.Millisecond,
			Poll: func(ctx context.Context) []Report { return []Report{{Source: "a", Result: Result{Status: OK}}} }}
		var c collector
		start := time.Now()
		runFor(t, NewScheduler([]Job{job}, c.sink), 5*time.Second)
		got := c.offsets(start)
		if len(got) < 25 || len(got) > 50 {
			t.Fatalf("%d polls in 5 s at 100 ms (±5 %%, on 100 ms slots), want 25..50", len(got))
		}
		for i := 1; i < len(got); i++ {
			gap := got[i] - got[i-1]
			if got[i]%Slot != 0 || (i > 1 && (gap > 2*Slot || gap < Slot)) {
				t.Fatalf("poll %d at %v after %v: not the next or second slot", i, got[i], got[i-1])
			}
		}
	})
}

func TestSchedulerNeverOverlapsAndCountsSkips(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
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
		s := steady(NewScheduler([]Job{job}, c.sink))
		runFor(t, s, 500*time.Millisecond)
		if maxRunning.Load() != 1 {
			t.Fatalf("max concurrent polls = %d, want 1", maxRunning.Load())
		}
		// Polls of 120 ms due every 20 ms: one starts at 10 ms and each next one as the last
		// ends (its slot has passed), so 4 end within 500 ms; the 20 ms ticks between are skips.
		st := s.Stats()[0]
		if st.Polls != 5 || c.count() != 4 || st.Skipped < 4*5 {
			t.Fatalf("polls %d (want 5 started, 4 reported: got %d), skipped %d (want ≥ 20)", st.Polls, c.count(), st.Skipped)
		}
	})
}

func TestSchedulerTimeoutEndsHangingPoll(t *testing.T) {
	synctest.Test(t, testTimeoutEndsHangingPoll)
}

func testTimeoutEndsHangingPoll(t *testing.T) {
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
	s := steady(NewScheduler([]Job{hang, fast}, func(r Report, _ time.Time) {
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
	}))
	s.Run(ctx)
	mu.Lock()
	defer mu.Unlock()
	if quickAtHang < 0 {
		t.Fatal("the hanging poll was never ended by its timeout")
	}
	if hangErr == "" {
		t.Fatal("the hanging poll reported no error")
	}
	// While the hanging poll (first at 25 ms) waited out its 200 ms timeout, the 10 ms source
	// (first at 5 ms) polled on every 100 ms slot: at 5, 100 and 200 ms.
	if quickAtHang != 3 {
		t.Fatalf("a hanging source held up another: fast polled %d times meanwhile", quickAtHang)
	}
}

// TestSchedulerBacksOffAfterErrorsAndHonoursNextIn: a failing 200 ms job waits 200, 400,
// then 800 ms (the cap) between polls, each rounded up to its slot; a job asking NextIn=1h is
// polled once.
func TestSchedulerBacksOffAfterErrorsAndHonoursNextIn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		failing := Job{Name: "f", Interval: 200 * time.Millisecond, Timeout: 10 * time.Millisecond,
			Poll: func(ctx context.Context) []Report {
				return []Report{{Source: "f", Result: Result{Status: Crit, Failed: true, Error: "refused"}}}
			}}
		var m atomic.Int64
		limited := Job{Name: "l", Interval: 200 * time.Millisecond, Timeout: 10 * time.Millisecond,
			Poll: func(ctx context.Context) []Report {
				m.Add(1)
				return []Report{{Source: "l", Result: Result{Status: OK, NextIn: time.Hour}}}
			}}
		var c collector
		start := time.Now()
		s := steady(NewScheduler([]Job{failing, limited}, c.sink))
		runFor(t, s, 2400*time.Millisecond)
		var got []time.Duration
		for i, at := range c.offsets(start) {
			if c.reports[i].Source == "f" {
				got = append(got, at)
			}
		}
		ms := time.Millisecond
		// Without backoff: every 200 ms, 12 polls.
		if want := []time.Duration{100 * ms, 300 * ms, 700 * ms, 1500 * ms, 2300 * ms}; !slices.Equal(got, want) {
			t.Fatalf("failing job polled at %v, want %v", got, want)
		}
		if got := m.Load(); got != 1 {
			t.Fatalf("job asking NextIn=1h polled %d times, want 1", got)
		}
		if f := s.Stats()[0].Failures; f != 5 {
			t.Fatalf("failures counted %d, want 5", f)
		}
	})
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
	synctest.Test(t, func(t *testing.T) {
		s := steady(NewScheduler([]Job{batch}, func(Report, time.Time) {}))
		runFor(t, s, 650*time.Millisecond)
		if f := s.Stats()[0].Failures; f != 0 {
			t.Fatalf("a batch with one good report counted %d failures", f)
		}
		// 10 ms, then every 100 ms slot: no backoff.
		if n.Load() != 7 {
			t.Fatalf("the batch was polled %d times in 650 ms, want 7 (no backoff)", n.Load())
		}
	})
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
	synctest.Test(t, testHungPollIsNotOverlapped)
}

func testHungPollIsNotOverlapped(t *testing.T) {
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
	s := steady(NewScheduler([]Job{job}, c.sink))
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
	time.Sleep(250 * time.Millisecond)
	cancel()
	<-done
	// Released at 1600 ms: polled again on the next 50 ms tick (1625 ms), then on the
	// 1700 and 1800 ms slots.
	if polls.Load() != 4 {
		t.Fatalf("polled %d times; want 4: the hung one, then at 1625, 1700 and 1800 ms", polls.Load())
	}
}
