// Package wallclock has tickers that fire on whole multiples of their period on the wall
// clock (every whole second, every half second), instead of at some phase set by when they
// were started.
//
// Why: a process that is idle between events pays for every wake-up — the timer, the
// thread waking in the kernel, the runtime's sysmon waking with it — and on a virtual
// machine that is most of what an idle board costs. Timers that expire at the same instant
// are run in one wake-up, so the board's periodic work (the clock frame, the gate holds, the
// journal watch, the recording's flush, the poll slots of package sources, which are on a
// 100 ms grid of the same clock) is put on one grid and shares its wake-ups
// (docs/performance.md).
package wallclock

import (
	"sync"
	"time"
)

// Until is how long from now to the next whole multiple of every (the next whole second for
// time.Second): never zero, at most every.
func Until(now time.Time, every time.Duration) time.Duration {
	return now.Truncate(every).Add(every).Sub(now)
}

// Ticker sends the time on C at every whole multiple of its period. Like time.Ticker it drops
// ticks for a slow receiver rather than queueing them.
type Ticker struct {
	C    <-chan time.Time
	c    chan time.Time
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// NewTicker starts a ticker of period every (> 0).
func NewTicker(every time.Duration) *Ticker {
	c := make(chan time.Time, 1)
	t := &Ticker{C: c, c: c, stop: make(chan struct{}), done: make(chan struct{})}
	go t.run(every, c)
	return t
}

func (t *Ticker) run(every time.Duration, c chan<- time.Time) {
	defer close(t.done)
	timer := time.NewTimer(Until(time.Now(), every))
	defer timer.Stop()
	for {
		select {
		case <-t.stop:
			return
		case now := <-timer.C:
			select {
			case c <- now:
			default: // the receiver is behind: drop, as time.Ticker does
			}
			timer.Reset(Until(time.Now(), every))
		}
	}
}

// Stop ends the ticker: after it returns, C holds no tick and gets none. It may be called
// more than once.
func (t *Ticker) Stop() {
	t.once.Do(func() {
		close(t.stop)
		<-t.done
		select {
		case <-t.c:
		default:
		}
	})
}
