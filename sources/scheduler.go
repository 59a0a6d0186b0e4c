package sources

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Sink receives every report as soon as its poll ends. It must not block for long: the
// board's Ingest is the sink in practice.
type Sink func(r Report, at time.Time)

// JobStats counts what happened to one job.
type JobStats struct {
	Name     string
	Polls    int64 // polls started
	Skipped  int64 // polls not started because the previous one was still running
	Failures int64 // consecutive polls that returned an error (0 once one succeeds)
}

// Scheduler polls each job on its own interval: the first poll of each job is spread over the
// first second, every later one is due Interval (±5 % jitter, rounded up to the next Slot)
// after the last one started,
// each poll runs under a context with the job's Timeout (a SelfTimed job's poll bounds itself
// and gets the scheduler's context as it is), and a job never has two polls
// running at once (a poll still running when the next is due is skipped and counted). After
// a failed poll (every report of the job with Failed set) the delay doubles, capped at BackoffCap(Interval),
// unless a report's NextIn says when to come back (a rate limit's reset): then it is that. After any
// poll a report's NextIn stretches the delay further (rate limits), never shortened by jitter.
type Scheduler struct {
	jobs  []Job
	sink  Sink
	now   func() time.Time
	randN func(n int64) int64 // a random number in [0, n): the spread and the jitter
	stats []jobCounters
}

type jobCounters struct {
	polls, skipped, failures atomic.Int64
}

// NewScheduler makes a scheduler for jobs that reports to sink.
func NewScheduler(jobs []Job, sink Sink) *Scheduler {
	return &Scheduler{jobs: jobs, sink: sink, now: time.Now, randN: rand.Int64N, stats: make([]jobCounters, len(jobs))}
}

// Stats returns the counters of every job, in the order the jobs were given.
func (s *Scheduler) Stats() []JobStats {
	out := make([]JobStats, len(s.jobs))
	for i, j := range s.jobs {
		c := &s.stats[i]
		out[i] = JobStats{Name: j.Name, Polls: c.polls.Load(), Skipped: c.skipped.Load(), Failures: c.failures.Load()}
	}
	return out
}

// Run polls until ctx is done, then waits for polls in flight (each is bounded by its own
// timeout; a poll that ignores its context is abandoned after its timeout).
func (s *Scheduler) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for i := range s.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.loop(ctx, i)
		}()
	}
	wg.Wait()
}

// BackoffCap is the longest delay between polls of a failing job: four intervals, but never
// more than a minute (or one interval, when that is longer).
func BackoffCap(interval time.Duration) time.Duration {
	c := 4 * interval
	if c > time.Minute {
		c = time.Minute
	}
	if c < interval {
		c = interval
	}
	return c
}

func (s *Scheduler) loop(ctx context.Context, i int) {
	job := s.jobs[i]
	c := &s.stats[i]
	start := make(chan struct{}, 1)
	out := make(chan []Report, 1) // one poll at a time: the worker's send never blocks
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		worker(ctx, job, start, out)
	}()

	timer := time.NewTimer(time.Duration(s.randN(int64(spread(job.Interval)) + 1)))
	defer timer.Stop()
	// The watchdog gives up on a poll that outlives its timeout by a second.
	watchdog := time.NewTimer(time.Hour)
	watchdog.Stop()
	defer watchdog.Stop()
	var (
		running bool // a poll is in flight and not given up on
		hung    bool // a poll was given up on and has not returned yet
		started time.Time
	)
	defer func() { stopWorker(running, hung, out, watchdog, start, exited) }()
	for {
		select {
		case <-ctx.Done():
			return
		case reports := <-out:
			if hung { // the poll given up on has returned: the job may be polled again
				hung = false
				continue
			}
			watchdog.Stop()
			running = false
			s.finished(ctx, job, c, timer, started, reports)
		case <-watchdog.C:
			running, hung = false, true
			s.finished(ctx, job, c, timer, started, hungReports(job))
		case <-timer.C:
			if running || hung {
				// Never two polls at once, not even after one was given up on.
				c.skipped.Add(1)
				timer.Reset(job.Interval)
				continue
			}
			running = true
			c.polls.Add(1)
			started = s.now()
			// Until the poll ends, the timer guards against a poll that outlives its interval.
			timer.Reset(job.Interval)
			watchdog.Reset(job.Timeout + time.Second)
			start <- struct{}{}
		}
	}
}

// stopWorker ends a job's worker as its loop ends: it waits for the poll in flight, if any,
// as long as the watchdog allows (its reports are dropped), then for the worker to end,
// unless its poll hangs (then the worker ends when that poll returns).
func stopWorker(running, hung bool, out <-chan []Report, watchdog *time.Timer, start chan<- struct{}, exited <-chan struct{}) {
	if running {
		select {
		case <-out:
		case <-watchdog.C:
			hung = true
		}
	}
	close(start)
	if !hung {
		<-exited
	}
}

// worker runs a job's polls, one per value from start, each under a context with the job's
// timeout (a SelfTimed job's polls bound themselves: they get ctx), and sends each poll's
// reports to out. It is one long-lived goroutine per job
// rather than fresh goroutines per poll: a fresh goroutine's stack grows again through the
// source's frames on every poll, which was a quarter of the CPU of 20 HTTP probes at 1 s.
func worker(ctx context.Context, job Job, start <-chan struct{}, out chan<- []Report) {
	for range start {
		if job.SelfTimed {
			out <- job.Poll(ctx)
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, job.Timeout)
		reports := job.Poll(pctx)
		cancel()
		out <- reports
	}
}

// finished sinks the reports of a poll that started at started and sets timer for the next
// one: the interval, the backoff after a failed poll, or what a report's NextIn asks for.
func (s *Scheduler) finished(ctx context.Context, job Job, c *jobCounters, timer *time.Timer, started time.Time, reports []Report) {
	// A batch backs off only when every report in it failed: one metric's bad query must not
	// slow the others.
	failed := len(reports) > 0
	var nextIn time.Duration
	at := s.now()
	for _, r := range reports {
		if !r.Result.Failed {
			failed = false
		}
		if r.Result.NextIn > nextIn {
			nextIn = r.Result.NextIn
		}
		if ctx.Err() == nil {
			s.sink(r, at)
		}
	}
	delay := job.Interval
	if failed {
		n := c.failures.Add(1)
		delay = backoff(job.Interval, n)
		if nextIn > 0 {
			// The source knows when to come back (a rate limit's reset) and has said so on
			// the board: wait that, not the backoff.
			delay = nextIn
		}
	} else {
		c.failures.Store(0)
	}
	if nextIn > delay {
		delay = nextIn
	}
	due := started.Add(s.jitter(delay))
	if floor := started.Add(nextIn); due.Before(floor) {
		due = floor // jitter never brings a poll before the time asked for
	}
	resetTimer(timer, time.Until(slot(due)))
}

// hungReports are the reports of a poll given up on, one for each source of its job.
func hungReports(job Job) []Report {
	names := job.Sources
	if len(names) == 0 {
		names = []string{job.Name}
	}
	reports := make([]Report, len(names))
	for i, n := range names {
		reports[i] = Report{Source: n, Result: Result{Status: Crit, Failed: true,
			Error: "poll did not return after its timeout of " + job.Timeout.String() + " (not polled again until it does)"}}
	}
	return reports
}

// runBounded runs the job's poll but gives up waiting for it a second after its context
// ends, so a source that ignores its context shows as failing (for each source of the job)
// instead of freezing its job. It then returns a channel closed when the poll does return:
// until then the job is not polled again.
func runBounded(ctx context.Context, job Job) ([]Report, <-chan struct{}) {
	ch := make(chan []Report, 1)
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		ch <- job.Poll(ctx)
	}()
	select {
	case r := <-ch:
		return r, nil
	case <-ctx.Done():
	}
	select {
	case r := <-ch:
		return r, nil
	case <-time.After(time.Second):
	}
	return hungReports(job), returned
}

// PollOnce polls every job once, all in parallel, each under its own timeout, and returns
// the reports in job order.
func PollOnce(ctx context.Context, jobs []Job) []Report {
	out := make([][]Report, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pctx, cancel := context.WithTimeout(ctx, j.Timeout)
			defer cancel()
			out[i], _ = runBounded(pctx, j)
		}()
	}
	wg.Wait()
	var all []Report
	for _, r := range out {
		all = append(all, r...)
	}
	return all
}

func backoff(interval time.Duration, failures int64) time.Duration {
	d := interval
	for k := int64(1); k < failures && d < BackoffCap(interval); k++ {
		d *= 2
	}
	return min(d, BackoffCap(interval))
}

// jitter moves d by up to ±5 %.
func (s *Scheduler) jitter(d time.Duration) time.Duration {
	j := int64(d) / 20
	if j <= 0 {
		return d
	}
	return d + time.Duration(s.randN(2*j+1)-j)
}

func spread(interval time.Duration) time.Duration {
	return min(interval, time.Second)
}

// Slot is the grid that due times are rounded up to, so that polls due within one slot
// start together: hundreds of probes then wake the process ten times a second instead of
// once per probe, which costs a third of the CPU, for at most this much extra delay.
const Slot = 100 * time.Millisecond

// slot rounds t up to the next multiple of Slot.
func slot(t time.Time) time.Time {
	if r := t.Truncate(Slot); !r.Equal(t) {
		return r.Add(Slot)
	}
	return t
}

func resetTimer(t *time.Timer, d time.Duration) {
	if d < 0 {
		d = 0
	}
	t.Reset(d)
}
