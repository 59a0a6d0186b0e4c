package sources

import "time"

// Threshold turns a source's main value into a status. Higher is worse unless Below is set.
// A nil Warn or Crit is not checked.
type Threshold struct {
	Warn  *float64
	Crit  *float64
	Below bool
}

// Status returns OK, Warn or Crit for v.
func (t Threshold) Status(v float64) Status {
	worse := func(limit *float64) bool {
		if limit == nil {
			return false
		}
		if t.Below {
			return v <= *limit
		}
		return v >= *limit
	}
	switch {
	case worse(t.Crit):
		return Crit
	case worse(t.Warn):
		return Warn
	}
	return OK
}

// DurationThreshold is the threshold for a value measured in unit (time.Millisecond for a
// latency in ms, time.Second for a lag in s) from warn and crit durations; a zero duration
// is not checked.
func DurationThreshold(warn, crit, unit time.Duration) Threshold {
	var t Threshold
	if warn > 0 {
		t.Warn = Float(float64(warn) / float64(unit))
	}
	if crit > 0 {
		t.Crit = Float(float64(crit) / float64(unit))
	}
	return t
}
