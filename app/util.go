package app

import "time"

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

func pick(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
