// Package notify sends warroom's outgoing messages: status changes of sources and runsheet
// transitions, to Slack incoming webhooks and generic webhooks. Sending never blocks the
// caller: every receiver has its own bounded queue and worker, sums up a flapping source
// into one message per min_interval, retries with backoff, and reports a dead receiver once.
// Webhook URLs and header values are secrets: nothing here shows or logs them.
package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/sanitize"
	"github.com/warroom-dev/warroom/widgets"
)

// The kinds of event, as written in a receiver's `on:` and in the webhook body's "event".
const (
	KindCrit       = "crit"
	KindWarn       = "warn"
	KindRecovered  = "recovered"
	KindCheckpoint = "checkpoint"
	KindOverride   = "override"
	KindCutover    = "cutover"
	KindTest       = "test" // `warroom notify test`; sent to every receiver
)

// Event is one thing worth telling: a source's status change or a runsheet transition.
type Event struct {
	// Kinds are what the event counts as, most specific first: a forced done of the cutover
	// checkpoint is [override, cutover, checkpoint]. A receiver gets the event when its
	// `on:` names one of them, and the message names the first it names.
	Kinds []string
	Title string // the board's title
	Time  time.Time

	// A status change.
	Source   string
	From, To string // statuses: ok, warn, crit, unknown
	Value    *float64
	Unit     string
	Detail   string   // the source's detail or error, as the board shows it
	Changes  []Change // set on a summed-up message: every change since the last one
	Interval time.Duration

	// A transition.
	Checkpoint, CheckpointTitle string
	Action                      string // start, done, fail, skip, reopen, rollback, resume
	By, Note, Reason, Gate      string
	Planned, Actual             time.Duration // 0 when not planned / not started
	Elapsed                     time.Duration // T+ of the run at the transition
}

// Change is one status change inside a summed-up message.
type Change struct {
	Time   time.Time `json:"time"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Value  *float64  `json:"value"`
	Detail string    `json:"detail,omitempty"`
}

// IsStatus reports whether the event is a source's status change.
func (e Event) IsStatus() bool { return e.Source != "" }

// StatusKind is the kind of a change to status to: crit, warn (warn, or unknown once a
// source had a status: it went quiet), or recovered (ok).
func StatusKind(to string) string {
	switch to {
	case "crit":
		return KindCrit
	case "ok":
		return KindRecovered
	}
	return KindWarn
}

// Text is the event in one line, with the board's title and the time (UTC):
// "Market cutover · 02:14:05 UTC · cloud-writer: ok → crit (42 s) — SQL thread stopped".
func (e Event) Text(kind string) string {
	return e.Prefix() + e.Line(kind)
}

// Prefix is "TITLE · HH:MM:SS UTC · ".
func (e Event) Prefix() string {
	title := clean(e.Title)
	if title == "" {
		title = "warroom"
	}
	return title + " · " + e.Time.UTC().Format("15:04:05") + " UTC · "
}

// Line is what happened, without the title and time.
func (e Event) Line(kind string) string {
	switch {
	case kind == KindTest:
		return "test message from warroom: this receiver works"
	case e.IsStatus():
		return e.statusLine()
	}
	return e.transitionLine(kind)
}

func (e Event) statusLine() string {
	src := clean(e.Source)
	now := e.To + e.valueText()
	if len(e.Changes) > 1 {
		path := []string{e.Changes[0].From}
		for _, c := range e.Changes {
			path = append(path, c.To)
		}
		lead := src + ": "
		if e.To == "ok" {
			lead = src + " recovered after "
		}
		return fmt.Sprintf("%s%d changes in %s (%s), now %s%s", lead, len(e.Changes), shortDur(e.Interval),
			strings.Join(path, " → "), now, e.detailText())
	}
	if e.To == "ok" {
		return fmt.Sprintf("%s recovered: %s → %s%s", src, e.From, now, e.detailText())
	}
	return fmt.Sprintf("%s: %s → %s%s", src, e.From, now, e.detailText())
}

func (e Event) valueText() string {
	if e.Value == nil {
		return ""
	}
	return " (" + widgets.FormatValue(*e.Value, e.Unit) + ")"
}

func (e Event) detailText() string {
	if d := clean(e.Detail); d != "" {
		return " — " + clip(d, 300)
	}
	return ""
}

// transitionLine says who did what to which checkpoint, with plan vs actual.
func (e Event) transitionLine(kind string) string {
	id, by := clean(e.Checkpoint), clean(e.By)
	if t := clean(e.CheckpointTitle); t != "" && t != id {
		id += " (" + t + ")"
	}
	var s string
	switch e.Action {
	case "start":
		s = id + " started by " + by
		if e.Planned > 0 {
			s += ", planned " + shortDur(e.Planned)
		}
	case "done":
		s = id + " done by " + by + e.timing()
	case "fail":
		s = id + " failed, by " + by + e.timing()
	case "skip":
		s = id + " skipped by " + by
	case "reopen":
		s = id + " reopened by " + by
	case "rollback":
		s = "rolling back, by " + by
	case "resume":
		s = "rollback called off, by " + by
	default:
		s = id + " " + clean(e.Action) + " by " + by
	}
	if n := clean(e.Note); n != "" {
		s += ": " + clip(n, 300)
	}
	switch kind {
	case KindOverride:
		s = "OVERRIDE " + s + " over a gate that did not hold (" + clip(clean(e.Gate), 200) + "), reason: " + clip(clean(e.Reason), 300)
	case KindCutover:
		s = "CUTOVER " + s
		if e.Elapsed > 0 {
			s += " at T+" + widgets.Clock(e.Elapsed)
		}
	}
	return s
}

// timing is ": took 6m12s, planned 5m (1m12s over)".
func (e Event) timing() string {
	if e.Actual <= 0 {
		return ""
	}
	s := ": took " + shortDur(e.Actual)
	if e.Planned > 0 {
		s += ", planned " + shortDur(e.Planned)
		switch d := e.Actual - e.Planned; {
		case d >= time.Second:
			s += " (" + shortDur(d) + " over)"
		case d <= -time.Second:
			s += " (" + shortDur(-d) + " under)"
		}
	}
	return s
}

// clean makes outside text safe for one line: no control or escape sequences.
func clean(s string) string {
	return strings.Join(strings.Fields(sanitize.Line(s)), " ")
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// shortDur is "40s", "5m", "6m12s", "1h05m".
func shortDur(d time.Duration) string {
	if d > 0 && d < time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	d = d.Round(time.Second)
	switch {
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d >= time.Minute:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}
