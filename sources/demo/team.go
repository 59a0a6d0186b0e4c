package demo

import (
	"context"
	"time"
)

// Step is one thing the scripted team does: at At into the loop, Who asks for Action on
// checkpoint ID, and keeps asking every second until the runsheet accepts it (a gate may
// still be red) or the next step is due.
type Step struct {
	At     time.Duration
	ID     string
	Action string // start, done
	Who    string
}

// Script is the demo team's night, compressed: each checkpoint is started on time and marked
// done when its owner believes it is — the gates decide when that is accepted.
var Script = []Step{
	{3 * time.Second, "announce", "start", "sam"},
	{7 * time.Second, "announce", "done", "sam"},
	{9 * time.Second, "maintenance", "start", "lee"},
	{14 * time.Second, "maintenance", "done", "lee"},
	{17 * time.Second, "freeze", "start", "dana"},
	{22 * time.Second, "freeze", "done", "dana"},
	{24 * time.Second, "catch-up", "start", "dana"},
	{30 * time.Second, "catch-up", "done", "dana"},
	{55 * time.Second, "promote", "start", "dana"},
	{64 * time.Second, "promote", "done", "dana"},
	{67 * time.Second, "dns", "start", "ravi"},
	{76 * time.Second, "dns", "done", "ravi"},
	{84 * time.Second, "smoke", "start", "kim"},
	{110 * time.Second, "smoke", "done", "kim"},
	{116 * time.Second, "open", "start", "lee"},
	{124 * time.Second, "open", "done", "lee"},
}

// Loop is how long one run of the demo lasts before the team starts again.
const Loop = 180 * time.Second

// Apply asks the runsheet for a transition; it returns an error when refused.
type Apply func(ctx context.Context, id, action, who, note string) error

// Team plays Script against the runsheet through apply, then reopens every checkpoint (last
// first) and plays it again, until ctx is done. ids lists the checkpoints in plan order.
func Team(ctx context.Context, ids []string, apply Apply) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	start := time.Now()
	next := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		t := time.Since(start)
		if t >= Loop {
			for i := len(ids) - 1; i >= 0; i-- {
				_ = apply(ctx, ids[i], "reopen", "demo", "the demo starts again")
			}
			start, next = time.Now(), 0
			continue
		}
		for next < len(Script) && t >= Script[next].At {
			s := Script[next]
			if err := apply(ctx, s.ID, s.Action, s.Who, ""); err != nil {
				// Refused (a gate not yet green): try again next second, unless the next
				// step is due, in which case the user has taken over this one.
				if next+1 < len(Script) && t < Script[next+1].At {
					break
				}
			}
			next++
		}
	}
}
