// Package health probes what a cutover team watches from the outside: HTTP(S) endpoints
// (status, body, a JSON value, the certificate, which backend answered, latency per phase),
// TCP ports (connect time) and DNS names (answers, TTL, which side they point at).
//
// Every probe is a sources.Source. Its main value is a latency in milliseconds; its Facts are
// the ones `warroom check --json` reports and gates read. A probe never outlives its poll's
// context nor its own timeout, and never shares state with another probe.
package health

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// DefaultTimeout bounds a poll when neither the probe nor the defaults set a timeout.
const DefaultTimeout = 3 * time.Second

// New returns the probe for h: HTTP(S) when h.URL is set (kind "health"), a TCP connect for
// h.TCP ("tcp"), a lookup for h.DNS ("dns"). A poll ends at the context's deadline or at the
// probe's timeout (h.Timeout, else d.Timeout, else DefaultTimeout), whichever comes first.
// Every probe returned is also an io.Closer: Close releases the idle keep-alive connections
// an HTTP probe holds (TCP and DNS probes hold none). The error says which key is wrong and
// how; it does not repeat the probe's name (the caller adds it).
func New(h config.Health, d config.Defaults) (sources.Source, error) {
	return NewPlanned(h, d, nil)
}

// NewPlanned is New for a probe whose planned state (one of h.States, set by a done
// checkpoint's expect:) it reads from exp on every poll.
func NewPlanned(h config.Health, d config.Defaults, exp *sources.Expectations) (sources.Source, error) {
	base := probeBase{
		name:    h.Name,
		kind:    h.Kind(),
		timeout: timeoutOf(h, d),
		limits:  sources.DurationThreshold(h.Latency.Warn.D(), h.Latency.Crit.D(), time.Millisecond),
		states:  newPlannedStates(h, exp),
	}
	switch base.kind {
	case "tcp":
		return nilIfErr(newTCP(base, h))
	case "dns":
		return nilIfErr(newDNS(base, h))
	}
	return nilIfErr(newHTTP(base, h))
}

// nilIfErr returns a nil interface (not a typed nil pointer) with an error.
func nilIfErr[P sources.Source](p P, err error) (sources.Source, error) {
	if err != nil {
		return nil, err
	}
	return p, nil
}

// probeBase is what every kind of probe has.
type probeBase struct {
	name    string
	kind    string
	timeout time.Duration
	limits  sources.Threshold // latency in ms
	states  *plannedStates
}

// Name returns the probe's configured name.
func (b *probeBase) Name() string { return b.name }

// Kind returns "health", "tcp" or "dns".
func (b *probeBase) Kind() string { return b.kind }

// Close does nothing for probes that hold no connections between polls.
func (b *probeBase) Close() error { return nil }

// pollContext bounds one poll by the probe's own timeout as well as the caller's deadline.
// When the caller's deadline comes first (the scheduler applies the same timeout), it adds
// no timer of its own: one less timer per poll for hundreds of probes.
func (b *probeBase) pollContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= b.timeout {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, b.timeout)
}

func timeoutOf(h config.Health, d config.Defaults) time.Duration {
	switch {
	case h.Timeout > 0:
		return h.Timeout.D()
	case d.Timeout > 0:
		return d.Timeout.D()
	}
	return DefaultTimeout
}

// millis converts d to milliseconds, kept to microsecond precision.
func millis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

// formatLatency writes a latency the way the board shows it: "0.4 ms", "88 ms", "2.31 s".
func formatLatency(d time.Duration) string {
	ms := millis(d)
	switch {
	case ms < 10:
		return fmt.Sprintf("%.1f ms", ms)
	case ms < 1000:
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.2f s", ms/1000)
}

// elapsedUntil is how long a poll has run; once its deadline dl (zero: none) has passed, exactly the time
// from start to the deadline, so that a timeout reads as the configured one. (The socket's
// deadline can fire before the context's timer has marked it done: look at the clock.)
func elapsedUntil(dl, start time.Time) time.Duration {
	now := time.Now()
	if !dl.IsZero() && !now.Before(dl) && dl.After(start) {
		return dl.Sub(start)
	}
	return now.Sub(start)
}

// roundElapsed makes a timeout readable: "3s", "300ms", "2.5s".
func roundElapsed(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(10 * time.Millisecond)
}

// joinDetail joins the non-empty parts of a board detail with " · ".
func joinDetail(parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += " · "
		}
		out += p
	}
	return out
}

// nilOr returns v as an any, or a nil any when ok is false, so that facts say null for
// unknown instead of a misleading zero.
func nilOr[T any](v T, ok bool) any {
	if !ok {
		return nil
	}
	return v
}

// PollTimeout is the probe's own timeout: every poll ends within it even when its context
// has no deadline (sources.SelfTimed).
func (b *probeBase) PollTimeout() time.Duration { return b.timeout }
