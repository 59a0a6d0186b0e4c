// Package sources defines what warroom polls: the Source interface, the Result of one poll,
// and the Scheduler that polls every source on its own interval without ever overlapping two
// polls of one source or letting one slow source hold up another.
package sources

import (
	"context"
	"time"
)

// Status is the verdict on a source or series. The zero value is Unknown.
type Status int

// The statuses, in no particular order of severity; use Rank to compare them.
const (
	Unknown Status = iota
	OK
	Warn
	Crit
)

// String returns the status as it appears in config, gates and check --json.
func (s Status) String() string {
	switch s {
	case OK:
		return "ok"
	case Warn:
		return "warn"
	case Crit:
		return "crit"
	}
	return "unknown"
}

// Rank orders statuses by how much attention they need: crit > warn > unknown > ok.
func (s Status) Rank() int {
	switch s {
	case OK:
		return 0
	case Unknown:
		return 1
	case Warn:
		return 2
	}
	return 3
}

// Worst returns whichever of a and b ranks higher.
func Worst(a, b Status) Status {
	if b.Rank() > a.Rank() {
		return b
	}
	return a
}

// ParseStatus reads a status name as String writes it.
func ParseStatus(s string) (Status, bool) {
	switch s {
	case "ok":
		return OK, true
	case "warn":
		return Warn, true
	case "crit":
		return Crit, true
	case "unknown":
		return Unknown, true
	}
	return Unknown, false
}

// Point is one timestamped value of a series. Null marks a gap (no data for that time),
// which charts draw as a gap, never as zero.
type Point struct {
	Time  time.Time
	Value float64
	Null  bool
}

// SeriesResult is one named series of a source's poll. A Datadog query grouped `by {host}`
// returns one per host; a database returns one per replication channel.
type SeriesResult struct {
	Name   string // shown after the source name; "" is the source's main series
	Unit   string
	Status Status
	Value  *float64 // the newest non-null value; nil when unknown
	// Points are the points this poll observed, oldest first. The board keeps each point once
	// (by time), so a source may return an overlapping window on every poll.
	Points []Point
}

// Result is what one poll of one source found.
type Result struct {
	Status Status
	Value  *float64 // the source's main value (latency, lag, metric); nil when unknown
	Unit   string
	// Error says, in words a person can act on, why the status is bad or the poll failed
	// ("status 503, expected 200", "stray write 0-11-4521", "connect: connection refused").
	Error string
	// Failed means the poll got no answer at all (refused, timeout, bad credentials, rate
	// limited), as opposed to an answer that is bad (a 503, a stray write, a stopped replica
	// thread). A failed poll makes the scheduler back off and does not count as a success
	// for staleness; a bad answer does.
	Failed bool
	// Detail is a short text for the board row beside the value ("503 maintenance",
	// "read-only ✓", "aws-1 70%"). Remote text in it is sanitized by the renderer.
	Detail string
	// Planned names the planned state this result is in ("maintenance", "quiet"): a
	// checkpoint's expect: predicted it, so the status is ok and the board shows it muted
	// ("planned: maintenance ✓"). Empty for an ordinary result.
	Planned string
	// Series are the series this poll produced. When empty, the board records Value at the
	// poll's time in the source's main series.
	Series []SeriesResult
	// Facts are the kind-specific facts reported by check --json and readable by gates.
	Facts map[string]any
	// Events are things that happened and belong in the event log (a stray write, a backend
	// flip). They are logged with this result's status.
	Events []string
	// NextIn, when positive, asks the scheduler to wait at least this long before the next
	// poll (a rate limit's reset); after a failed poll it is exactly the wait (no backoff on
	// top), so that a row saying "waiting 2s" is polled again in 2 s.
	NextIn time.Duration
}

// Source is one thing to poll. Poll must return when ctx is done.
type Source interface {
	Name() string
	Kind() string // health, tcp, dns, mysql, datadog, demo
	Poll(ctx context.Context) Result
}

// Report is a result with the name of the source it belongs to.
type Report struct {
	Source string
	Result Result
}

// Job is the scheduler's unit of work: one poll function on one interval. Most jobs poll one
// source; a batch (all Datadog metrics in one request) reports for several.
type Job struct {
	Name     string
	Interval time.Duration
	Timeout  time.Duration
	Poll     func(ctx context.Context) []Report
	// Sources are the sources a batch reports for, so that a poll that never returns can be
	// reported for each of them; empty means the one source named Name.
	Sources []string
	// SelfTimed says that Poll ends within Timeout by itself (see SelfTimed): the scheduler
	// then makes no context with a timer for each poll.
	SelfTimed bool
}

// Single makes the job that polls one source.
func Single(s Source, interval, timeout time.Duration) Job {
	return Job{
		Name:     s.Name(),
		Interval: interval,
		Timeout:  timeout,
		Poll: func(ctx context.Context) []Report {
			return []Report{{Source: s.Name(), Result: s.Poll(ctx)}}
		},
		SelfTimed: selfTimed(s, timeout),
	}
}

// Float returns a pointer to v, for Result.Value.
func Float(v float64) *float64 { return &v }
