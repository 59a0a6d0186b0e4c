package datadog

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources/datadog/ddtest"
)

func TestCheckpointTransitionIsPostedAsAnEvent(t *testing.T) {
	srv := ddtest.NewServer(t)
	dd := srv.Datadog()
	dd.Events = true
	c := newClient(t, dd) // events only: no metrics, no app key needed
	at := time.Date(2026, 3, 14, 2, 30, 0, 0, time.UTC)
	e := CheckpointEvent(Transition{Checkpoint: "dns-flip", Title: "Flip DNS to the cloud", Owner: "Ops Team",
		State: "done", By: "alice", At: at})
	if err := c.PostEvent(context.Background(), e); err != nil {
		t.Fatalf("PostEvent: %v", err)
	}
	evs := srv.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events posted, want 1", len(evs))
	}
	got := evs[0]
	if got.Title != "warroom: Flip DNS to the cloud — done" || got.AlertType != "success" || got.DateHappened != at.Unix() {
		t.Errorf("event = %+v", got)
	}
	for _, want := range []string{"dns-flip", "Flip DNS to the cloud", "done", "Ops Team", "alice"} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("text %q lacks %q", got.Text, want)
		}
	}
	for _, tag := range []string{"warroom", "runsheet:dns-flip", "owner:ops_team"} {
		if !slices.Contains(got.Tags, tag) {
			t.Errorf("tags %q lack %q", got.Tags, tag)
		}
	}
	if got.Header.Get("DD-API-KEY") != ddtest.APIKey || got.Header.Get("DD-APPLICATION-KEY") != "" {
		t.Error("the event should carry the API key and only the API key")
	}
}

func TestEventBodyIsBoundedAndTagged(t *testing.T) {
	srv := ddtest.NewServer(t)
	dd := srv.Datadog()
	dd.Events = true
	c := newClient(t, dd, metric("a", "avg:a{*}"))
	long := strings.Repeat("x", 5000)
	err := c.PostEvent(context.Background(), Event{Title: long, Text: long, AlertType: "bogus", Tags: []string{"Runsheet:Step 1", "warroom", "", "9lives"}})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Events()[0]
	if n := len([]rune(got.Title)); n != 100 {
		t.Errorf("title has %d characters, want it cut at 100", n)
	}
	if n := len([]rune(got.Text)); n != 4000 {
		t.Errorf("text has %d characters, want it cut at 4000", n)
	}
	if got.AlertType != "info" {
		t.Errorf("alert type %q, want an unknown one to become info", got.AlertType)
	}
	if want := []string{"warroom", "runsheet:step_1", "lives"}; !slices.Equal(got.Tags, want) {
		t.Errorf("tags = %q, want %q", got.Tags, want)
	}
	if time.Since(time.Unix(got.DateHappened, 0)) > time.Minute {
		t.Errorf("date_happened %d, want now for a zero At", got.DateHappened)
	}
}

func TestEventsOffPostsNothing(t *testing.T) {
	srv := ddtest.NewServer(t)
	c := newClient(t, srv.Datadog(), metric("a", "avg:a{*}"))
	if err := c.PostEvent(context.Background(), Event{Title: "t", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Events()); n != 0 {
		t.Fatalf("datadog.events is off but %d events were posted", n)
	}
}

func TestEventFailures(t *testing.T) {
	srv := ddtest.NewServer(t)
	dd := srv.Datadog()
	dd.Events = true
	dd.APIKey = wrongAPIKey
	c := newClient(t, dd)
	err := c.PostEvent(context.Background(), Event{Title: "cut over", Text: "x"})
	if err == nil || !strings.Contains(err.Error(), "refused the API key") || !strings.Contains(err.Error(), `"cut over"`) {
		t.Fatalf("wrong key: error %v", err)
	}
	assertNoKeys(t, err.Error())

	dd = srv.Datadog()
	dd.Events = true
	dd.Timeout = config.Duration(200 * time.Millisecond)
	c = newClient(t, dd)
	srv.FailNext(1, http.StatusInternalServerError, `{"errors":["Internal error"]}`)
	if err := c.PostEvent(context.Background(), Event{Title: "t", Text: "x"}); err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("500: error %v", err)
	}
	srv.FailNext(1, http.StatusTooManyRequests, `{"errors":["Too many requests"]}`)
	if err := c.PostEvent(context.Background(), Event{Title: "t", Text: "x"}); err == nil || !strings.Contains(err.Error(), "429") {
		t.Fatalf("429: error %v", err)
	}
	n := len(srv.Events())
	if err := c.PostEvent(context.Background(), Event{Title: "t", Text: "x"}); err == nil || !strings.Contains(err.Error(), "rate limit") {
		t.Fatalf("right after a 429: error %v, want it refused without a request", err)
	}
	if len(srv.Events()) != n {
		t.Fatal("a post right after a 429 reached the server")
	}

	srv.SetDelay(3 * time.Second)
	start := time.Now()
	c.ev.mu.Lock()
	c.ev.rate.notBefore = time.Time{}
	c.ev.mu.Unlock()
	if err := c.PostEvent(context.Background(), Event{Title: "t", Text: "x"}); err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("slow server: error %v after %s, want a timeout after 200ms", err, time.Since(start))
	}
}

func TestAlertTypes(t *testing.T) {
	for state, want := range map[string]string{"done": "success", "failed": "error", "rollback": "error",
		"skipped": "warning", "running": "info", "": "info"} {
		if got := CheckpointEvent(Transition{Checkpoint: "x", State: state}).AlertType; got != want {
			t.Errorf("state %q → %q, want %q", state, got, want)
		}
	}
}
