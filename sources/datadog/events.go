package datadog

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Event is one Datadog event, posted with the v1 events API (POST /api/v1/events), which
// shows it on the organisation's dashboards as an overlay. warroom uses it for runsheet
// transitions; see CheckpointEvent.
type Event struct {
	Title     string // cut at 100 characters
	Text      string // cut at 4000 characters; Markdown inside "%%% \n … \n %%%"
	AlertType string // error, warning, info, success, user_update, recommendation or snapshot; default info
	Tags      []string
	// At is when it happened (the transition's time, even if the post is late); zero means
	// now. Datadog refuses events older than 18 hours.
	At time.Time
}

// eventState is the rate limit of the events endpoint, apart from the metrics query's.
type eventState struct {
	mu   sync.Mutex
	rate rateState
}

// v1EventRequest is the body of POST /api/v1/events (the generated EventCreateRequest).
type v1EventRequest struct {
	Title        string   `json:"title"`
	Text         string   `json:"text"`
	AlertType    string   `json:"alert_type,omitempty"`
	Tags         []string `json:"tags,omitempty"`
	DateHappened int64    `json:"date_happened,omitempty"` // seconds since the epoch
}

var alertTypes = map[string]bool{"error": true, "warning": true, "info": true, "success": true,
	"user_update": true, "recommendation": true, "snapshot": true}

// PostEvent posts e as a Datadog event, tagged "warroom", and returns when Datadog has
// taken it or the post failed (timeout: datadog.timeout, or ctx). It does nothing when
// datadog.events is off. It is safe to call from several goroutines; call it from its own
// goroutine where a slow Datadog must not hold anything up. The v1 endpoint needs only the
// API key, and has a rate limit of its own: while that limit is exhausted, PostEvent fails
// at once without a request.
func (c *Client) PostEvent(ctx context.Context, e Event) error {
	if !c.events {
		return nil
	}
	now := c.now()
	c.ev.mu.Lock()
	wait := c.ev.rate.notBefore.Sub(now)
	c.ev.mu.Unlock()
	if wait > 0 {
		return fmt.Errorf("Datadog event %q not posted: the events rate limit resets in %s", sanitize(e.Title, 60), wait.Round(time.Second))
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	a, cerr := c.call(ctx, "/api/v1/events", eventBody(e, now), false)
	if cerr != nil {
		return fmt.Errorf("Datadog event %q not posted: %w", sanitize(e.Title, 60), cerr)
	}
	c.ev.mu.Lock()
	c.ev.rate.observe(a.header, c.now())
	if a.status == 429 {
		c.ev.rate.rateLimited(c.now())
	}
	c.ev.mu.Unlock()
	if a.status >= 200 && a.status < 300 {
		return nil
	}
	err := c.statusError(a, "the event")
	if err.kind == failAuth {
		err.msg = fmt.Sprintf("Datadog refused the API key (%d): check datadog.api_key and %s", a.status, c.siteHint())
	}
	return fmt.Errorf("Datadog event %q not posted: %w", sanitize(e.Title, 60), error(err))
}

// eventBody is e as Datadog takes it: bounded, with a known alert type and clean tags.
func eventBody(e Event, now time.Time) *v1EventRequest {
	at := e.At
	if at.IsZero() {
		at = now
	}
	alert := strings.ToLower(strings.TrimSpace(e.AlertType))
	if !alertTypes[alert] {
		alert = "info"
	}
	tags := []string{"warroom"}
	seen := map[string]bool{"warroom": true}
	for _, t := range e.Tags {
		if n := NormalizeTag(t); n != "" && !seen[n] && len(tags) < 50 {
			seen[n] = true
			tags = append(tags, n)
		}
	}
	return &v1EventRequest{
		Title:        cut(strings.TrimSpace(e.Title), 100),
		Text:         cut(e.Text, 4000),
		AlertType:    alert,
		Tags:         tags,
		DateHappened: at.Unix(),
	}
}

// cut shortens s to n runes, ending in "…" when it had to.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// NormalizeTag writes a tag the way Datadog stores it: lower case, letters, digits and
// _ - : . / only (anything else becomes _), starting with a letter, at most 200 characters.
// It returns "" for a tag with no letter to start with.
func NormalizeTag(t string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(t)) {
		switch {
		case b.Len() == 0 && !unicode.IsLetter(r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_-:./", r):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return cut(strings.TrimRight(b.String(), "_"), 200)
}

// Transition is one runsheet change, in words, for CheckpointEvent.
type Transition struct {
	Checkpoint string    // the checkpoint's id; "" for a change of the whole run
	Title      string    // the checkpoint's title
	Owner      string    // who owns the checkpoint
	State      string    // what happened: "done", "failed", "skipped", "running", "rollback", …
	By         string    // who did it
	Note       string    // the reason given, if any
	At         time.Time // when
}

// CheckpointEvent is the Datadog event for one runsheet transition: titled with the
// checkpoint and its new state, tagged warroom, runsheet:<checkpoint> and owner:<owner>, and
// coloured by the state (done: success, failed or rollback: error, skipped: warning, else
// info).
func CheckpointEvent(t Transition) Event {
	title := t.Title
	if title == "" {
		title = t.Checkpoint
	}
	if title == "" {
		title = "runsheet"
	}
	var text strings.Builder
	fmt.Fprintf(&text, "Checkpoint %s (%s) is %s", orDash(t.Checkpoint), orDash(t.Title), orDash(t.State))
	if t.Owner != "" {
		fmt.Fprintf(&text, ". Owner: %s", t.Owner)
	}
	if t.By != "" {
		fmt.Fprintf(&text, ". By: %s", t.By)
	}
	if t.Note != "" {
		fmt.Fprintf(&text, ". Note: %s", t.Note)
	}
	tags := []string{"warroom"}
	if t.Checkpoint != "" {
		tags = append(tags, "runsheet:"+t.Checkpoint)
	}
	if t.Owner != "" {
		tags = append(tags, "owner:"+t.Owner)
	}
	return Event{
		Title:     fmt.Sprintf("warroom: %s — %s", title, orDash(t.State)),
		Text:      text.String() + ".",
		AlertType: alertFor(t.State),
		Tags:      tags,
		At:        t.At,
	}
}

func alertFor(state string) string {
	switch strings.ToLower(state) {
	case "done", "finish", "finished":
		return "success"
	case "fail", "failed", "rollback", "rolled_back":
		return "error"
	case "skip", "skipped":
		return "warning"
	}
	return "info"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
