package app

import (
	"time"

	"github.com/warroom-dev/warroom/sources"
)

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

func pick(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// limits turns duration thresholds into a threshold on a value in units per second (1 for
// seconds, 1000 for milliseconds). A zero duration is not checked.
func limits(warn, crit time.Duration, perSecond float64) sources.Threshold {
	var t sources.Threshold
	if warn > 0 {
		t.Warn = sources.Float(warn.Seconds() * perSecond)
	}
	if crit > 0 {
		t.Crit = sources.Float(crit.Seconds() * perSecond)
	}
	return t
}
