package sshserver

import (
	"net"
	"sync"
	"time"
)

// maxTrackedAddrs bounds the rate limiter's memory under a flood from many addresses.
const maxTrackedAddrs = 10000

// rateLimiter allows each remote address ratePerMinute new connections a minute, with a
// burst of the same size: a token bucket per address.
type rateLimiter struct {
	perMinute float64
	now       func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens  float64
	at      time.Time
	refused bool // the last attempt was refused
}

func newRateLimiter(perMinute int, now func() time.Time) *rateLimiter {
	return &rateLimiter{perMinute: float64(perMinute), now: now, buckets: map[string]*bucket{}}
}

// allow takes one token for addr's host, if it has one. first reports the first refusal
// after an allowed attempt, so a flood is logged once, not once per connection.
func (l *rateLimiter) allow(addr net.Addr) (ok, first bool) {
	host := addr.String()
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[host]
	if b == nil {
		if len(l.buckets) >= maxTrackedAddrs {
			l.prune(now)
		}
		b = &bucket{tokens: l.perMinute, at: now}
		l.buckets[host] = b
	}
	l.refill(b, now)
	if b.tokens < 1 {
		first = !b.refused
		b.refused = true
		return false, first
	}
	b.tokens--
	b.refused = false
	return true, false
}

func (l *rateLimiter) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(l.perMinute, b.tokens+d.Minutes()*l.perMinute)
		b.at = now
	}
}

// prune forgets addresses whose bucket is full again (they are as good as new); if that
// frees nothing, it forgets everyone, so memory stays bounded.
func (l *rateLimiter) prune(now time.Time) {
	for host, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= l.perMinute {
			delete(l.buckets, host)
		}
	}
	if len(l.buckets) >= maxTrackedAddrs {
		clear(l.buckets)
	}
}
