package notify

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// Options tune a Notifier. Zero values take the defaults.
type Options struct {
	Client     *http.Client  // default: no redirects, shared keep-alive connections
	Timeout    time.Duration // each attempt; default 10s
	Attempts   int           // per message; default 5
	Backoff    time.Duration // before the first retry, doubling each time; default 1s
	MaxBackoff time.Duration // default 30s
	QueueSize  int           // messages waiting per receiver; default 64 (then the oldest is dropped)
	Now        func() time.Time
	// Report is told once when a receiver stops delivering (Warn: "notify room: 1 failed
	// (HTTP 500, slack webhook (hidden))") and once when it delivers again (OK). The board
	// shows it as an event. It must not block.
	Report func(status sources.Status, text string)
}

// The defaults of Options.
const (
	DefaultTimeout    = 10 * time.Second
	DefaultAttempts   = 5
	DefaultBackoff    = time.Second
	DefaultMaxBackoff = 30 * time.Second
	DefaultQueueSize  = 64
)

func (o Options) normalized() Options {
	if o.Client == nil {
		o.Client = newClient()
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Attempts <= 0 {
		o.Attempts = DefaultAttempts
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.QueueSize <= 0 {
		o.QueueSize = DefaultQueueSize
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Notifier sends events to every configured receiver. Send never blocks.
type Notifier struct {
	rs     []*receiver
	client *http.Client
	once   sync.Once
}

// New starts one worker per receiver. Close stops them.
func New(entries []config.Notify, opt Options) *Notifier {
	opt = opt.normalized()
	n := &Notifier{client: opt.Client}
	for _, e := range entries {
		r := newReceiver(e, opt)
		n.rs = append(n.rs, r)
		go r.run()
	}
	return n
}

// Send offers ev to every receiver; each takes it or not by its on:, sources: and
// checkpoints:, and sums up status changes that come faster than its min_interval. A nil
// Notifier sends nothing.
func (n *Notifier) Send(ev Event) {
	if n == nil {
		return
	}
	for _, r := range n.rs {
		r.offer(ev)
	}
}

// Close stops taking events, sends what is queued (summed-up changes included) until ctx
// ends, then abandons the rest. It waits for every worker.
func (n *Notifier) Close(ctx context.Context) {
	if n == nil {
		return
	}
	n.once.Do(func() {
		var wg sync.WaitGroup
		for _, r := range n.rs {
			wg.Add(1)
			go func() { defer wg.Done(); r.close(ctx) }()
		}
		wg.Wait()
		n.client.CloseIdleConnections()
	})
}

// Stats is one receiver's counters.
type Stats struct {
	Name    string
	Shown   string // "slack webhook (hidden)"
	Sent    int64  // messages delivered
	Failed  int64  // messages given up after every attempt
	Dropped int64  // messages dropped from a full queue
}

// Stats returns every receiver's counters, in config order.
func (n *Notifier) Stats() []Stats {
	if n == nil {
		return nil
	}
	out := make([]Stats, 0, len(n.rs))
	for _, r := range n.rs {
		out = append(out, Stats{Name: r.name, Shown: r.shown, Sent: r.sent.Load(), Failed: r.failed.Load(),
			Dropped: r.droppedTotal.Load()})
	}
	return out
}

// TestResult is the outcome of `warroom notify test` for one receiver.
type TestResult struct {
	Name, Shown string
	Err         error // nil: delivered
}

// Test sends a test message to every receiver now, with the usual retries, and says how
// each went. title is the board's.
func Test(ctx context.Context, entries []config.Notify, title string, opt Options) []TestResult {
	opt = opt.normalized()
	ev := Event{Kinds: []string{KindTest}, Title: title, Time: opt.Now()}
	out := make([]TestResult, len(entries))
	var wg sync.WaitGroup
	for i, e := range entries {
		r := newReceiver(e, opt)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer r.cancel()
			out[i] = TestResult{Name: e.Name, Shown: r.shown}
			if err := r.send(ctx, message{ev, KindTest}, 0); err != nil {
				out[i].Err = err
			}
		}()
	}
	wg.Wait()
	opt.Client.CloseIdleConnections()
	return out
}
