package datadog

import (
	"net/http"
	"testing"
	"time"
)

// A 429 whose X-RateLimit-Reset is 0 (the period ends within this second; some proxies
// always say 0) waits at least a second: the scheduler takes a 429's wait instead of its
// backoff, so a shorter one would ask a rate-limited Datadog again several times a second
// for as long as it keeps refusing.
func TestResetZeroWaitsASecond(t *testing.T) {
	now := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	for range 50 { // the jitter is random
		r := newRateState()
		r.observe(http.Header{"X-Ratelimit-Reset": {"0"}, "X-Ratelimit-Remaining": {"0"}}, now)
		if w := r.rateLimited(now); w < time.Second {
			t.Fatalf("a 429 with Reset: 0 waits %s, want at least 1s", w)
		}
	}
}
