package board

import (
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/warroom-dev/warroom/sources"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// t0 is a cutover night; aligned to the hour so that every step divides it.
var t0 = time.Date(2026, 3, 14, 2, 0, 0, 0, time.UTC)

// clock is a settable Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func sec(n int) time.Duration { return time.Duration(n) * time.Second }

// ok is a successful poll with a value.
func ok(v float64) sources.Result {
	return sources.Result{Status: sources.OK, Value: sources.Float(v)}
}

// window is a Datadog-like poll: the points at t0+from..t0+to seconds (inclusive), value f(s).
func window(from, to int, f func(s int) float64) sources.Result {
	var pts []sources.Point
	for s := from; s <= to; s++ {
		pts = append(pts, sources.Point{Time: t0.Add(sec(s)), Value: f(s)})
	}
	last := pts[len(pts)-1].Value
	return sources.Result{Status: sources.OK, Value: &last,
		Series: []sources.SeriesResult{{Points: pts, Value: &last, Status: sources.OK}}}
}

// texts returns the events' texts, oldest first.
func texts(evs []Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Text
	}
	return out
}

// fineLen counts the full-resolution points of a series (internal; for memory bounds).
func (b *Board) fineLen(key string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.all[b.keys[key]].fine.n
}

// coarseLen counts the coarse buckets of a series.
func (b *Board) coarseLen(key string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := &b.all[b.keys[key]].coarse
	n := len(c.tail)
	for _, ch := range c.sealed {
		n += len(ch)
	}
	if c.open.n > 0 {
		n++
	}
	return n
}

// fineOldest returns the time of the oldest full-resolution point of a series.
func (b *Board) fineOldest(key string) time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return time.Unix(0, b.all[b.keys[key]].fine.oldest()).UTC()
}
