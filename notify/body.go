package notify

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// BodyVersion is the version of the generic webhook body (docs/notify.md). A change that
// could break a receiver gets a new version.
const BodyVersion = 1

// Body is the generic webhook's JSON body, version 1. Fields that do not apply to the event
// are left out; "version", "event", "text", "title" and "time" are always there.
type Body struct {
	Version int    `json:"version"`
	Event   string `json:"event"` // crit, warn, recovered, checkpoint, override, cutover, test
	Text    string `json:"text"`  // the one-line message, title and time included
	Title   string `json:"title"`
	Time    string `json:"time"` // RFC 3339, UTC

	// Status changes (crit, warn, recovered).
	Source      string   `json:"source,omitempty"`
	From        string   `json:"from,omitempty"`
	To          string   `json:"to,omitempty"`
	Value       *float64 `json:"value,omitempty"`
	Unit        string   `json:"unit,omitempty"`
	Detail      string   `json:"detail,omitempty"`
	Changes     []Change `json:"changes,omitempty"`    // a summed-up message: each change
	IntervalSec float64  `json:"interval_s,omitempty"` // …within this many seconds
	Checkpoint  string   `json:"checkpoint,omitempty"` // transitions
	CpTitle     string   `json:"checkpoint_title,omitempty"`
	Action      string   `json:"action,omitempty"` // start, done, fail, skip, reopen, rollback, resume
	By          string   `json:"by,omitempty"`
	Note        string   `json:"note,omitempty"`
	Reason      string   `json:"reason,omitempty"` // why a gate was overridden
	Gate        string   `json:"gate,omitempty"`   // "held", or what failed
	PlannedSec  *float64 `json:"planned_s,omitempty"`
	ActualSec   *float64 `json:"actual_s,omitempty"`
	ElapsedSec  *float64 `json:"elapsed_s,omitempty"` // T+ of the run
	// Dropped counts the messages this receiver dropped (its queue was full) since the last
	// one it delivered.
	Dropped int `json:"dropped,omitempty"`
}

// webhookBody builds the generic body of an event as kind.
func webhookBody(e Event, kind string, dropped int) ([]byte, error) {
	b := Body{Version: BodyVersion, Event: kind, Text: e.Text(kind) + droppedText(dropped), Title: clean(e.Title),
		Time: e.Time.UTC().Format(time.RFC3339), Dropped: dropped}
	if kind != KindTest && e.IsStatus() {
		b.Source, b.From, b.To, b.Value, b.Unit, b.Detail = clean(e.Source), e.From, e.To, e.Value, e.Unit, clean(e.Detail)
		if len(e.Changes) > 1 {
			b.Changes = e.Changes
			b.IntervalSec = e.Interval.Seconds()
		}
	} else if kind != KindTest {
		b.Checkpoint, b.CpTitle, b.Action = clean(e.Checkpoint), clean(e.CheckpointTitle), e.Action
		b.By, b.Note, b.Reason, b.Gate = clean(e.By), clean(e.Note), clean(e.Reason), clean(e.Gate)
		b.PlannedSec, b.ActualSec, b.ElapsedSec = seconds(e.Planned), seconds(e.Actual), seconds(e.Elapsed)
	}
	return json.Marshal(b)
}

func seconds(d time.Duration) *float64 {
	if d <= 0 {
		return nil
	}
	s := d.Seconds()
	return &s
}

func droppedText(n int) string {
	if n == 0 {
		return ""
	}
	if n == 1 {
		return " (1 earlier message dropped)"
	}
	return " (" + strconv.Itoa(n) + " earlier messages dropped)"
}

// slackBody builds Slack's incoming-webhook JSON: text (the notification and fallback) and
// blocks (the line in bold kind, and the board's title and time as context).
func slackBody(e Event, kind string, dropped int) ([]byte, error) {
	line := e.Line(kind) + droppedText(dropped)
	head := map[string]string{KindCrit: ":red_circle: *CRIT*", KindWarn: ":warning: *WARN*",
		KindRecovered: ":large_green_circle: *RECOVERED*", KindCheckpoint: ":clipboard:",
		KindOverride: ":warning:", KindCutover: ":rocket:", KindTest: ":wave:"}[kind]
	title := clean(e.Title)
	if title == "" {
		title = "warroom"
	}
	ctx := slackEsc(title) + " · " + e.Time.UTC().Format("15:04:05") + " UTC · warroom"
	type text struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	type block struct {
		Type     string `json:"type"`
		Text     *text  `json:"text,omitempty"`
		Elements []text `json:"elements,omitempty"`
	}
	msg := struct {
		Text   string  `json:"text"`
		Blocks []block `json:"blocks"`
	}{
		Text: slackEsc(e.Text(kind) + droppedText(dropped)), // Slack reads mrkdwn here too
		Blocks: []block{
			{Type: "section", Text: &text{Type: "mrkdwn", Text: strings.TrimSpace(head + " " + slackEsc(line))}},
			{Type: "context", Elements: []text{{Type: "mrkdwn", Text: ctx}}},
		},
	}
	return json.Marshal(msg)
}

// slackEsc escapes the three characters Slack's mrkdwn gives a meaning (&, <, >), so that
// outside text cannot make links or mentions.
func slackEsc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
