package sources

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
