// Package demo is the simulated cutover behind `warroom demo`: a world whose databases,
// endpoints and metrics react to the runsheet's checkpoints, and a scripted team that walks
// the runsheet in about three minutes and then starts again. Not for use outside the demo
// and tests.
package demo

import (
	_ "embed"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// Config is the demo's warroom.yaml: title, defaults and the runsheet.
//
//go:embed demo.yaml
var Config []byte

// Progress tells the world a checkpoint's state ("pending", "running", "done", …) and when
// it entered it.
type Progress func(id string) (state string, since time.Time)

// World is the simulated cutover. Its values follow the runsheet: the old site goes into
// maintenance when that checkpoint runs, the old primary turns read-only during the freeze
// (and takes one stray write soon after, the missing-sales story), lag drains once writes
// stop, DNS flips during the dns checkpoint, and response times spike at the cutover and
// settle lower after it.
type World struct {
	now      func() time.Time
	progress Progress

	mu  sync.Mutex
	rng *rand.Rand
}

// NewWorld makes a world that reads the runsheet through progress.
func NewWorld(now func() time.Time, progress Progress) *World {
	return &World{now: now, progress: progress, rng: rand.New(rand.NewPCG(7, 11))}
}

func (w *World) noise(scale float64) float64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return (w.rng.Float64()*2 - 1) * scale
}

// since returns how long a checkpoint has been in state want (or any later state, for
// "running" when it is done), and whether it is.
func (w *World) in(id string, states ...string) (time.Duration, bool) {
	st, at := w.progress(id)
	for _, s := range states {
		if st == s {
			return w.now().Sub(at), true
		}
	}
	return 0, false
}

func (w *World) done(id string) (time.Duration, bool) { return w.in(id, "done", "skipped") }

// cutoverLoad is 0 before the dns checkpoint, rises to 1 while traffic moves and cold
// caches fill, and decays after the cutover.
func (w *World) cutoverLoad() float64 {
	if d, ok := w.in("dns", "running"); ok {
		return math.Min(1, d.Seconds()/6)
	}
	if d, ok := w.done("dns"); ok {
		return math.Max(0, 1-d.Seconds()/6)
	}
	return 0
}

func (w *World) after() bool { _, ok := w.done("dns"); return ok }

// p95 is the application's p95 response time in ms at the world's now.
func (w *World) p95() float64 {
	base := 510.0
	if w.after() {
		base = 415
	}
	return base + 1100*w.cutoverLoad() + w.noise(40)
}

// historyP95 is the p95 before the demo started (back-filled history).
func (w *World) historyP95(t time.Time) float64 {
	return 510 + 35*math.Sin(float64(t.Unix())/40) + w.noise(40)
}

func (w *World) browserLoad() float64 {
	base := 2400.0
	if w.after() {
		base = 2100
	}
	return base + 2600*w.cutoverLoad() + w.noise(150)
}

func (w *World) checkoutErrors() float64 {
	return math.Max(0, math.Round(7*w.cutoverLoad()+w.noise(1.2)))
}

// oldReadOnly says whether the old primary is read-only: from a few seconds into the
// freeze until the freeze is reopened.
func (w *World) oldReadOnly() bool {
	if d, ok := w.in("freeze", "running"); ok {
		return d > 3*time.Second
	}
	_, ok := w.done("freeze")
	return ok
}

// strayWrite says whether the old primary has taken a write since it went read-only: an app
// server restarted with the old DSN writes to it 8 s after the freeze is done, until a DBA
// moves it 30 s later.
func (w *World) strayWrite() bool {
	d, ok := w.done("freeze")
	return ok && d > 8*time.Second && d < 38*time.Second
}

// lag is the cloud writer's replication lag in seconds: it rises and falls under load
// before the freeze and drains once the old primary stops taking writes.
func (w *World) lag() float64 {
	if _, ok := w.done("promote"); ok {
		return 0
	}
	t := float64(w.now().Unix())
	busy := 4 + 3*math.Sin(t/9) + w.noise(0.5)
	if d, ok := w.done("freeze"); ok {
		left := busy * (1 - d.Seconds()/14)
		return math.Max(0, left+w.noise(0.05))
	}
	return math.Max(0.3, busy)
}

// dnsFlipped says whether market.example resolves to the cloud.
func (w *World) dnsFlipped() bool {
	if d, ok := w.in("dns", "running"); ok {
		return d > 7*time.Second
	}
	_, ok := w.done("dns")
	return ok
}

// maintenance says whether the old site shows the maintenance page.
func (w *World) maintenance() bool {
	if d, ok := w.in("maintenance", "running"); ok {
		return d > 2*time.Second
	}
	_, ok := w.done("maintenance")
	return ok
}
