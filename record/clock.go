package record

import (
	"sync"
	"time"
)

// Speeds are the replay speeds, slowest first.
var Speeds = []int{1, 2, 5, 10, 30, 60}

// Clock is a replay's clock: a position in the recording that moves with the wall clock
// at a speed, or stands while paused. Safe for concurrent use.
type Clock struct {
	mu     sync.Mutex
	wall   func() time.Time
	pos    time.Time // the replayed time at ref
	ref    time.Time // wall time of pos
	speed  int       // index into Speeds
	paused bool
	lo, hi time.Time // the recording's span: the clock stays inside it
}

// NewClock starts a clock at lo, playing at ×1; wall nil is time.Now.
func NewClock(lo, hi time.Time, wall func() time.Time) *Clock {
	if wall == nil {
		wall = time.Now
	}
	return &Clock{wall: wall, pos: lo, ref: wall(), lo: lo, hi: hi}
}

// Now is the replayed time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	t := c.pos
	if !c.paused {
		t = t.Add(c.wall().Sub(c.ref) * time.Duration(Speeds[c.speed]))
	}
	if t.After(c.hi) {
		t = c.hi
	}
	return t
}

// rebase moves pos to now, so a change of speed or pause applies from here.
func (c *Clock) rebase() {
	c.pos, c.ref = c.nowLocked(), c.wall()
}

// Toggle pauses or plays. Playing at the end starts again from the beginning.
func (c *Clock) Toggle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rebase()
	c.paused = !c.paused
	if !c.paused && !c.pos.Before(c.hi) {
		c.pos = c.lo
	}
}

// Seek moves by d, within the recording.
func (c *Clock) Seek(d time.Duration) { c.SeekTo(c.Now().Add(d)) }

// SeekTo moves to t, within the recording.
func (c *Clock) SeekTo(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.Before(c.lo) {
		t = c.lo
	}
	if t.After(c.hi) {
		t = c.hi
	}
	c.pos, c.ref = t, c.wall()
}

// Faster and Slower step through Speeds.
func (c *Clock) Faster() { c.step(1) }

// Slower steps the speed down.
func (c *Clock) Slower() { c.step(-1) }

func (c *Clock) step(d int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rebase()
	c.speed = max(0, min(len(Speeds)-1, c.speed+d))
}

// State is the clock for a header: position, span, speed, paused.
func (c *Clock) State() (now, lo, hi time.Time, speed int, paused bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now = c.nowLocked()
	return now, c.lo, c.hi, Speeds[c.speed], c.paused || !now.Before(c.hi)
}
