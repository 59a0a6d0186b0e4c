package datadog

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// rateState is what the X-RateLimit-* headers of the last answer said about one endpoint's
// rate limit, and the earliest time the next request may go out.
type rateState struct {
	limit     int           // requests allowed per period; 0 when unknown
	period    time.Duration // length of the period; 0 when unknown
	remaining int           // requests left in the current period; -1 when unknown
	resetAt   time.Time     // when the current period ends; zero when unknown
	notBefore time.Time     // no request before this (429, budget exhausted)
}

func newRateState() rateState { return rateState{remaining: -1} }

// observe reads the rate-limit headers of one answer received at now. Headers that are
// missing or not numbers leave what was known before.
func (r *rateState) observe(h http.Header, now time.Time) {
	if v, ok := headerInt(h, "X-RateLimit-Limit"); ok && v > 0 {
		r.limit = v
	}
	if v, ok := headerInt(h, "X-RateLimit-Period"); ok && v > 0 {
		r.period = time.Duration(v) * time.Second
	}
	if v, ok := headerInt(h, "X-RateLimit-Remaining"); ok && v >= 0 {
		r.remaining = v
	}
	if v, ok := headerInt(h, "X-RateLimit-Reset"); ok && v >= 0 {
		r.resetAt = now.Add(time.Duration(v) * time.Second)
	}
}

// headerInt parses a header as a bounded non-negative integer (a day at most for times,
// a billion for counts: anything bigger is nonsense from a proxy and is ignored).
func headerInt(h http.Header, name string) (int, bool) {
	s := h.Get(name)
	if s == "" || len(s) > 10 {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 || v > 1_000_000_000 {
		return 0, false
	}
	return v, true
}

// untilReset is how long until the current period ends, with jitter so that several
// warroom processes sharing one organisation's limit do not all retry in the same second.
// Without a Reset header it falls back to the period, then to a minute. It is at least a
// second: Reset counts whole seconds, so 0 means "within this second", and a shorter wait
// would ask again several times a second while Datadog keeps refusing.
func (r *rateState) untilReset(now time.Time) time.Duration {
	d := time.Minute
	switch {
	case !r.resetAt.IsZero():
		d = max(r.resetAt.Sub(now), time.Second)
	case r.period > 0:
		d = r.period
	}
	return d + resetJitter(d)
}

// resetJitter is a random extra wait of up to a tenth of d, and at least up to half a second.
func resetJitter(d time.Duration) time.Duration {
	j := max(d/10, 500*time.Millisecond)
	return time.Duration(rand.Int64N(int64(j)) + 1)
}

// rateLimited records a 429: nothing goes out before the reset.
func (r *rateState) rateLimited(now time.Time) time.Duration {
	wait := r.untilReset(now)
	r.notBefore = now.Add(wait)
	return wait
}

// budget returns how long to wait after a poll that started at start and made reqs requests,
// given the configured interval, and a note for the board when that is longer than the
// interval ("Datadog: 1 req/45s, rate limit"). It never returns less than interval.
//
// Two bounds apply: the sustained rate the limit allows (period × reqs / limit), and what is
// left of the current period (if fewer requests remain than a poll needs, wait for the reset;
// otherwise spread the remaining ones over the time left, since other clients of the same
// organisation draw on the same limit).
func (r *rateState) budget(start, now time.Time, interval time.Duration, reqs int) (time.Duration, string) {
	if reqs <= 0 {
		return interval, ""
	}
	gap := time.Duration(0)
	if r.limit > 0 && r.period > 0 {
		gap = r.period * time.Duration(reqs) / time.Duration(r.limit)
	}
	if r.remaining >= 0 && !r.resetAt.IsZero() {
		left := max(r.resetAt.Sub(now), 0)
		if r.remaining < reqs {
			wait := r.untilReset(now)
			r.notBefore = now.Add(wait)
			gap = max(gap, wait+now.Sub(start))
		} else {
			// Spread what is left so that the last of it still falls before the reset.
			gap = max(gap, left*time.Duration(reqs)/time.Duration(r.remaining+1))
		}
	}
	if gap <= interval {
		return interval, ""
	}
	gap = gap.Round(time.Second)
	return gap, fmt.Sprintf("Datadog: %d req/%s, rate limit", reqs, formatSeconds(gap))
}

// remainingFact is rate_limit_remaining for check --json: an int, or nil when unknown.
func (r *rateState) remainingFact() any {
	if r.remaining < 0 {
		return nil
	}
	return r.remaining
}

// formatSeconds writes a duration in whole seconds the short way: "45s", "2m", "1m30s", "1h",
// "2h30m".
func formatSeconds(d time.Duration) string {
	s := int64(d / time.Second)
	if s <= 0 {
		return "0s"
	}
	var b strings.Builder
	for _, u := range []struct {
		n    int64
		name string
	}{{3600, "h"}, {60, "m"}, {1, "s"}} {
		if s >= u.n {
			fmt.Fprintf(&b, "%d%s", s/u.n, u.name)
			s %= u.n
		}
	}
	return b.String()
}
