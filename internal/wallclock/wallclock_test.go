package wallclock

import (
	"testing"
	"testing/synctest"
	"time"
)

func TestUntil(t *testing.T) {
	base := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		at    time.Duration
		every time.Duration
		want  time.Duration
	}{
		{0, time.Second, time.Second}, // on the boundary: the next one, never zero
		{300 * time.Millisecond, time.Second, 700 * time.Millisecond},
		{999 * time.Millisecond, time.Second, time.Millisecond},
		{200 * time.Millisecond, 500 * time.Millisecond, 300 * time.Millisecond},
		{700 * time.Millisecond, 500 * time.Millisecond, 300 * time.Millisecond},
	} {
		if got := Until(base.Add(c.at), c.every); got != c.want {
			t.Errorf("Until(+%v, %v) = %v, want %v", c.at, c.every, got, c.want)
		}
	}
}

// TestTickerFiresOnTheGrid: ticks land on whole half seconds whenever the ticker started,
// and a slow receiver gets the latest tick, not a backlog.
func TestTickerFiresOnTheGrid(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		time.Sleep(123 * time.Millisecond) // start off the grid
		tk := NewTicker(500 * time.Millisecond)
		defer tk.Stop()
		for i := 0; i < 4; i++ {
			now := <-tk.C
			if now.Sub(now.Truncate(500*time.Millisecond)) != 0 {
				t.Fatalf("tick %d at %v: not on the 500 ms grid", i, now)
			}
		}
		time.Sleep(2200 * time.Millisecond) // four ticks pass unread: one is kept
		<-tk.C
		select {
		case now := <-tk.C:
			t.Fatalf("a second queued tick at %v", now)
		default:
		}
		time.Sleep(400 * time.Millisecond) // a tick waits in C: Stop takes it away
		tk.Stop()
		tk.Stop()
		time.Sleep(time.Second)
		select {
		case now := <-tk.C:
			t.Fatalf("a tick at %v after Stop", now)
		default:
		}
	})
}
