package notify

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// maxPending bounds the changes remembered for one summed-up message.
const maxPending = 50

// receiver is one notify: entry with its own queue and worker.
type receiver struct {
	name, shown   string
	slack         bool
	url           string
	headers       map[string]string
	on            map[string]bool
	srcs, cps     map[string]bool // nil: every source / checkpoint
	minInterval   time.Duration
	opt           Options
	ctx           context.Context // cancelled when Close runs out of time
	cancel        context.CancelFunc
	wake, done    chan struct{}
	mu            sync.Mutex
	queue         []message
	dropped       int // messages dropped since the last one delivered
	rates         map[string]*rate
	closing, dead bool
	failedInRow   int
	sent, failed  atomic.Int64
	droppedTotal  atomic.Int64
}

// message is one queued message: an event and the kind it is sent as.
type message struct {
	ev   Event
	kind string
}

// rate is what a receiver remembers about one source's status messages.
type rate struct {
	last    time.Time // when the last message about it was queued
	pending []Change  // changes since then, not yet told
	passes  bool      // one of pending is of a kind the receiver wants
	latest  Event
}

func newReceiver(n config.Notify, opt Options) *receiver {
	r := &receiver{name: n.Name, shown: n.Shown(), slack: n.Slack != "", url: n.URL(), headers: n.Headers,
		on: set(n.On), srcs: setOrNil(n.Sources), cps: setOrNil(n.Checkpoints), minInterval: n.MinInterval.D(),
		opt: opt, wake: make(chan struct{}, 1), done: make(chan struct{}), rates: map[string]*rate{}}
	if len(n.On) == 0 {
		r.on = set(config.NotifyEvents)
	}
	if r.minInterval <= 0 {
		r.minInterval = config.DefaultNotifyMinInterval.D()
	}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	return r
}

func set(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}

func setOrNil(list []string) map[string]bool {
	if len(list) == 0 {
		return nil
	}
	return set(list)
}

// kindFor is the kind the receiver sends ev as, or "" when it does not want it.
func (r *receiver) kindFor(ev Event) string {
	for _, k := range ev.Kinds {
		if k == KindTest || r.on[k] {
			return k
		}
	}
	return ""
}

// offer queues ev when the receiver wants it, without ever waiting.
func (r *receiver) offer(ev Event) {
	if ev.IsStatus() && r.srcs != nil && !r.srcs[ev.Source] {
		return
	}
	if !ev.IsStatus() && ev.Checkpoint != "" && r.cps != nil && !r.cps[ev.Checkpoint] {
		return
	}
	kind := r.kindFor(ev)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closing {
		return
	}
	switch {
	case ev.IsStatus() && kind != KindTest:
		r.limit(ev, kind)
	case kind != "":
		r.push(message{ev, kind})
	}
	r.signal()
}

// limit sends a status change now when the source has been quiet for min_interval, and
// otherwise keeps it for the summed-up message at the end of the interval. kind is "" for a
// change the receiver does not want on its own (it still belongs in a summary's story).
// The caller holds r.mu.
func (r *receiver) limit(ev Event, kind string) {
	now := r.opt.Now()
	rt := r.rates[ev.Source]
	if rt == nil {
		rt = &rate{}
		r.rates[ev.Source] = rt
	}
	quiet := rt.last.IsZero() || now.Sub(rt.last) >= r.minInterval
	switch {
	case quiet && len(rt.pending) == 0 && kind != "":
		rt.last = now
		r.push(message{ev, kind})
	case !quiet:
		if len(rt.pending) == maxPending {
			rt.pending = append(rt.pending[:1], rt.pending[2:]...)
		}
		rt.pending = append(rt.pending, Change{Time: ev.Time, From: ev.From, To: ev.To, Value: ev.Value, Detail: clean(ev.Detail)})
		rt.passes = rt.passes || kind != ""
		rt.latest = ev
	}
}

// flush queues the summed-up message of every source whose interval has passed (all of
// them when closing) and returns how long until the next one is due (0: none).
func (r *receiver) flush(now time.Time) time.Duration {
	var next time.Duration
	for _, rt := range r.rates {
		if len(rt.pending) == 0 {
			continue
		}
		due := rt.last.Add(r.minInterval)
		if now.Before(due) && !r.closing {
			if wait := due.Sub(now); next == 0 || wait < next {
				next = wait
			}
			continue
		}
		if rt.passes {
			ev := rt.latest
			ev.From, ev.Changes, ev.Interval = rt.pending[0].From, rt.pending, r.minInterval
			kind := StatusKind(ev.To)
			if !r.on[kind] {
				kind = r.passingKind(rt.pending)
			}
			r.push(message{ev, kind})
			rt.last = now
		}
		rt.pending, rt.passes = nil, false
	}
	return next
}

// passingKind is the kind of the newest change the receiver wants.
func (r *receiver) passingKind(cs []Change) string {
	for i := len(cs) - 1; i >= 0; i-- {
		if k := StatusKind(cs[i].To); r.on[k] {
			return k
		}
	}
	return KindWarn
}

// push appends to the bounded queue, dropping the oldest when it is full. The caller
// holds r.mu.
func (r *receiver) push(m message) {
	if len(r.queue) >= r.opt.QueueSize {
		r.queue = append(r.queue[:0], r.queue[1:]...)
		r.dropped++
		r.droppedTotal.Add(1)
	}
	r.queue = append(r.queue, m)
}

func (r *receiver) signal() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// run delivers queued messages, one at a time, until closed and drained.
func (r *receiver) run() {
	defer close(r.done)
	for {
		m, dropped, wait, ok, stop := r.next()
		if ok {
			r.deliver(m, dropped)
			continue
		}
		if stop {
			return
		}
		var timer *time.Timer
		var due <-chan time.Time
		if wait > 0 {
			timer = time.NewTimer(wait)
			due = timer.C
		}
		select {
		case <-r.wake:
		case <-due:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// next takes the oldest queued message, with the count of those dropped before it.
func (r *receiver) next() (m message, dropped int, wait time.Duration, ok, stop bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	wait = r.flush(r.opt.Now())
	if len(r.queue) == 0 {
		return m, 0, wait, false, r.closing
	}
	m = r.queue[0]
	r.queue = append(r.queue[:0], r.queue[1:]...)
	dropped, r.dropped = r.dropped, 0
	return m, dropped, 0, true, false
}

// deliver sends one message, retrying with backoff; a message that fails every attempt is
// counted, and the first failure of a run of them is reported.
func (r *receiver) deliver(m message, dropped int) {
	err := r.send(r.ctx, m, dropped)
	if err == nil {
		r.sent.Add(1)
		r.mu.Lock()
		back, n := r.dead, r.failedInRow
		r.dead, r.failedInRow = false, 0
		r.mu.Unlock()
		if back {
			r.report(sources.OK, fmt.Sprintf("notify %s: delivering again after %d failed", r.name, n))
		}
		return
	}
	r.failed.Add(1)
	r.mu.Lock()
	r.dropped += dropped
	r.failedInRow++
	first, n := !r.dead, r.failedInRow
	r.dead = true
	r.mu.Unlock()
	if first {
		r.report(sources.Warn, fmt.Sprintf("notify %s: %d failed (%s, %s)", r.name, n, err, r.shown))
	}
}

func (r *receiver) report(st sources.Status, text string) {
	if r.opt.Report != nil {
		r.opt.Report(st, text)
	}
}

// send posts a message with retries. Errors never hold the URL.
func (r *receiver) send(ctx context.Context, m message, dropped int) error {
	build := webhookBody
	if r.slack {
		build = slackBody
	}
	body, err := build(m.ev, m.kind, dropped)
	if err != nil {
		return err
	}
	wait := r.opt.Backoff
	for attempt := 1; ; attempt++ {
		err := r.post(ctx, body)
		if err == nil {
			return nil
		}
		if err.permanent || attempt >= r.opt.Attempts || ctx.Err() != nil {
			return err
		}
		pause := max(wait, err.retryAfter)
		pause = min(pause, r.opt.MaxBackoff)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
		wait = min(2*wait, r.opt.MaxBackoff)
	}
}

// close stops taking messages and waits for the queue to drain until ctx ends; then it
// cancels what is in flight and waits for the worker.
func (r *receiver) close(ctx context.Context) {
	r.mu.Lock()
	r.closing = true
	r.mu.Unlock()
	r.signal()
	select {
	case <-r.done:
	case <-ctx.Done():
		r.cancel()
		r.mu.Lock()
		r.queue = nil
		r.mu.Unlock()
		<-r.done
	}
	r.cancel()
}
