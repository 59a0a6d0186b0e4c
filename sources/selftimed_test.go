package sources

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// deadlineSource records whether its polls' contexts had a deadline; with own > 0 it is
// SelfTimed with that timeout. With release set, a poll waits for it and ignores its context.
type deadlineSource struct {
	own     time.Duration
	release chan struct{}
	mu      sync.Mutex
	with    int // polls whose context had a deadline
	without int
}

func (s *deadlineSource) Name() string { return "src" }
func (s *deadlineSource) Kind() string { return "health" }
func (s *deadlineSource) Poll(ctx context.Context) Result {
	_, ok := ctx.Deadline()
	s.mu.Lock()
	if ok {
		s.with++
	} else {
		s.without++
	}
	s.mu.Unlock()
	if s.release != nil {
		<-s.release
	}
	return Result{Status: OK}
}

// selfTimedSource is a deadlineSource that bounds its own polls.
type selfTimedSource struct{ *deadlineSource }

func (s selfTimedSource) PollTimeout() time.Duration { return s.own }

// A SelfTimed source whose own timeout is within the job's gets the scheduler's context as it
// is (no timer per poll); any other source gets a context with the job's timeout.
func TestSchedulerSelfTimedGetsNoTimerPerPoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		self := &deadlineSource{own: 200 * time.Millisecond}
		longer := &deadlineSource{own: time.Second} // longer than the job's timeout: not trusted
		plain := &deadlineSource{}
		jobs := []Job{
			Single(selfTimedSource{self}, 100*time.Millisecond, 200*time.Millisecond),
			Single(selfTimedSource{longer}, 100*time.Millisecond, 200*time.Millisecond),
			Single(plain, 100*time.Millisecond, 200*time.Millisecond),
		}
		if !jobs[0].SelfTimed || jobs[1].SelfTimed || jobs[2].SelfTimed {
			t.Fatalf("SelfTimed: %v %v %v, want true false false", jobs[0].SelfTimed, jobs[1].SelfTimed, jobs[2].SelfTimed)
		}
		var c collector
		s := steady(NewScheduler(jobs, c.sink))
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(time.Second, cancel)
		s.Run(ctx)
		synctest.Wait() // the workers have seen their start channels close
		if self.with != 0 || self.without < 9 {
			t.Errorf("self-timed source: %d polls with a deadline, %d without; want 0 and ≥ 9", self.with, self.without)
		}
		for name, src := range map[string]*deadlineSource{"longer": longer, "plain": plain} {
			if src.without != 0 || src.with < 9 {
				t.Errorf("%s source: %d polls with a deadline, %d without; want ≥ 9 and 0", name, src.with, src.without)
			}
		}
	})
}

// A SelfTimed source that hangs anyway is given up on after its timeout, as any other.
func TestSchedulerSelfTimedHangIsReported(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &deadlineSource{own: 50 * time.Millisecond, release: make(chan struct{})}
		job := Single(selfTimedSource{src}, 100*time.Millisecond, 50*time.Millisecond)
		var hung atomic.Int64
		s := steady(NewScheduler([]Job{job}, func(r Report, _ time.Time) {
			if strings.Contains(r.Result.Error, "did not return after its timeout of 50ms") {
				hung.Add(1)
			}
		}))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { s.Run(ctx); close(done) }()
		time.Sleep(2 * time.Second)
		if hung.Load() != 1 || s.Stats()[0].Polls != 1 {
			t.Errorf("%d hang reports, %d polls; want 1 and 1", hung.Load(), s.Stats()[0].Polls)
		}
		close(src.release)
		cancel()
		<-done
		synctest.Wait()
	})
}
