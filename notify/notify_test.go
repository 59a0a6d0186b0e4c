package notify

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

func overrideDone() Event {
	return Event{Kinds: []string{KindOverride, KindCheckpoint}, Title: "Market cutover", Time: at.Add(2 * time.Minute),
		Checkpoint: "catch-up", CheckpointTitle: "Cloud writer caught up", Action: "done", By: "dana",
		Reason: "lag is a reporting artefact", Gate: "gate fails: lag_s < 1", Planned: 20 * time.Minute, Actual: 26 * time.Minute}
}

func startFreeze() Event {
	return Event{Kinds: []string{KindCheckpoint}, Title: "Market cutover", Time: at.Add(3 * time.Minute),
		Checkpoint: "freeze", CheckpointTitle: "Old primary read-only", Action: "start", By: "dana", Planned: 5 * time.Minute}
}

// A Slack receiver gets each of crit, recovery, checkpoint and override once, as Slack's
// JSON with text and blocks, each one line with the title and the time. In a synctest
// bubble: the recovery comes exactly min_interval after the crit, so it goes at once.
func TestSlackGetsEachMessageOnce(t *testing.T) {
	inBubble(t, testSlackGetsEachMessageOnce)
}

func testSlackGetsEachMessageOnce(t *testing.T, s *sink, opt Options) {
	e := slackEntry(s.srv.URL + "/services/T000/B000/XXXX")
	e.MinInterval = config.Duration(100 * time.Millisecond)
	n := New([]config.Notify{e}, opt)
	n.Send(crit("cloud-writer", 42))
	synctest.Wait()
	s.wantCount(t, 1, "the crit")
	time.Sleep(100 * time.Millisecond) // min_interval to the nanosecond: the recovery goes at once
	n.Send(recovered("cloud-writer", 0.2))
	n.Send(startFreeze())
	n.Send(overrideDone())
	synctest.Wait()
	got := s.wantCount(t, 4, "with no time passing after the recovery")
	closeNow(t, n)
	s.wantCount(t, 4, "after Close")
	want := []string{
		"Market cutover · 02:14:05 UTC · cloud-writer: ok → crit (42 s) — SQL thread stopped",
		"Market cutover · 02:15:05 UTC · cloud-writer recovered: crit → ok (0.2 s)",
		"Market cutover · 02:17:05 UTC · freeze (Old primary read-only) started by dana, planned 5m",
		"Market cutover · 02:16:05 UTC · OVERRIDE catch-up (Cloud writer caught up) done by dana: took 26m, planned 20m (6m over) " +
			"over a gate that did not hold (gate fails: lag_s &lt; 1), reason: lag is a reporting artefact", // Slack shows &lt; as <
	}
	for i, r := range got {
		if r.body["text"] != want[i] {
			t.Errorf("message %d text =\n%q\nwant\n%q", i, r.body["text"], want[i])
		}
		blocks, _ := r.body["blocks"].([]any)
		if len(blocks) != 2 || !strings.Contains(r.raw, `"type":"mrkdwn"`) {
			t.Errorf("message %d has no Slack blocks: %s", i, r.raw)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
	}
	if !strings.Contains(got[0].raw, ":red_circle: *CRIT*") {
		t.Errorf("the crit block does not lead with CRIT: %s", got[0].raw)
	}
}

// The generic webhook gets the documented, versioned body and its headers.
func TestWebhookBodyAndHeaders(t *testing.T) {
	s := newSink(t)
	n := New([]config.Notify{webhookEntry(s.srv.URL + "/hook?key=abc")}, fast(nil))
	n.Send(crit("cloud-writer", 42))
	n.Send(overrideDone())
	got := s.waitFor(t, 2, 5*time.Second)
	closeNow(t, n)
	if h := got[0].header.Get("Authorization"); h != "Bearer s3cret" {
		t.Errorf("Authorization = %q", h)
	}
	b := got[0].body
	for k, want := range map[string]any{"version": 1.0, "event": "crit", "title": "Market cutover", "time": "2026-12-01T02:14:05Z",
		"source": "cloud-writer", "from": "ok", "to": "crit", "value": 42.0, "unit": "s", "detail": "SQL thread stopped"} {
		if b[k] != want {
			t.Errorf("body[%q] = %v, want %v (body %s)", k, b[k], want, got[0].raw)
		}
	}
	o := got[1].body
	for k, want := range map[string]any{"event": "override", "checkpoint": "catch-up", "action": "done", "by": "dana",
		"reason": "lag is a reporting artefact", "planned_s": 1200.0, "actual_s": 1560.0} {
		if o[k] != want {
			t.Errorf("override body[%q] = %v, want %v", k, o[k], want)
		}
	}
	if _, ok := o["source"]; ok {
		t.Errorf("a transition's body has a source: %s", got[1].raw)
	}
}

// A flapping source sends one message, then one that sums up the rest of the interval:
// exactly min_interval after the first (in a synctest bubble), and nothing after it.
func TestFlappingIsSummedUp(t *testing.T) {
	inBubble(t, testFlappingIsSummedUp)
}

func testFlappingIsSummedUp(t *testing.T, s *sink, opt Options) {
	e := slackEntry(s.srv.URL)
	e.MinInterval = config.Duration(400 * time.Millisecond)
	n := New([]config.Notify{e}, opt)
	for i := range 10 {
		if i%2 == 0 {
			n.Send(crit("shop", 2))
		} else {
			n.Send(recovered("shop", 0.1))
		}
	}
	synctest.Wait()
	s.wantCount(t, 1, "at once")
	time.Sleep(400*time.Millisecond - time.Nanosecond)
	synctest.Wait()
	s.wantCount(t, 1, "a nanosecond before min_interval")
	time.Sleep(time.Nanosecond)
	synctest.Wait()
	got := s.wantCount(t, 2, "at min_interval")
	time.Sleep(time.Hour)
	synctest.Wait()
	s.wantCount(t, 2, "an hour later")
	closeNow(t, n)
	s.wantCount(t, 2, "after Close")
	sum := got[1].body["text"].(string)
	if !strings.Contains(sum, "shop recovered after 9 changes in 400ms (crit → ok → crit → ok → crit → ok → crit → ok → crit → ok), now ok") {
		t.Errorf("summary = %q", sum)
	}
}

// A 500 is retried after the backoff, to the nanosecond (in a synctest bubble); the
// message arrives once.
func TestRetriedAfter500(t *testing.T) {
	inBubble(t, testRetriedAfter500)
}

func testRetriedAfter500(t *testing.T, s *sink, opt Options) {
	s.mu.Lock()
	s.fail = func(n int) int {
		if n == 1 {
			return 500
		}
		return 0
	}
	s.mu.Unlock()
	rep := &reports{}
	opt.Report = rep.add
	n := New([]config.Notify{webhookEntry(s.srv.URL)}, opt)
	n.Send(startFreeze())
	synctest.Wait()
	s.wantCount(t, 1, "at once")
	time.Sleep(opt.Backoff - time.Nanosecond)
	synctest.Wait()
	s.wantCount(t, 1, "a nanosecond before the backoff")
	time.Sleep(time.Nanosecond)
	synctest.Wait()
	got := s.wantCount(t, 2, "at the backoff")
	closeNow(t, n)
	if len(s.requests()) != 2 || got[0].raw != got[1].raw {
		t.Fatalf("want the same body twice (a 500, then delivered): %v", texts(s.requests()))
	}
	st := n.Stats()[0]
	if st.Sent != 1 || st.Failed != 0 || len(rep.list()) != 0 {
		t.Errorf("stats %+v, reports %v: want 1 sent, no failure", st, rep.list())
	}
}

// A dead receiver shows once on the board, without its URL, and says when it is back.
func TestDeadReceiverReportedOnce(t *testing.T) {
	s := newSink(t)
	dead := true
	s.fail = func(int) int {
		if dead {
			return 503
		}
		return 0
	}
	rep := &reports{}
	n := New([]config.Notify{slackEntry(s.srv.URL + "/services/SECRETPATH")}, fast(rep))
	n.Send(startFreeze())
	n.Send(overrideDone())
	n.Send(crit("db", 9))
	s.waitFor(t, 9, 5*time.Second) // 3 messages × 3 attempts
	waitStats(t, n, func(st Stats) bool { return st.Failed == 3 })
	s.mu.Lock()
	dead = false
	s.mu.Unlock()
	n.Send(startFreeze())
	waitStats(t, n, func(st Stats) bool { return st.Sent == 1 })
	closeNow(t, n)
	want := []string{"notify room: 1 failed (HTTP 503, slack webhook (hidden))", "notify room: delivering again after 3 failed"}
	if got := rep.list(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("reports = %q, want %q", got, want)
	}
	if rep.st[0] != sources.Warn || rep.st[1] != sources.OK {
		t.Errorf("report statuses = %v", rep.st)
	}
}

func waitStats(t *testing.T, n *Notifier, ok func(Stats) bool) {
	t.Helper()
	for range 500 {
		if ok(n.Stats()[0]) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("stats never got there: %+v", n.Stats()[0])
}

// A receiver that hangs never blocks Send, its queue stays bounded (the oldest go), and
// Close gives up at its deadline.
func TestHangingReceiverBlocksNothing(t *testing.T) {
	s := newSink(t)
	s.fail = func(int) int { return -1 } // hang until the test ends
	opt := fast(nil)
	opt.QueueSize = 8
	n := New([]config.Notify{slackEntry(s.srv.URL)}, opt)
	start := time.Now()
	for i := range 2000 {
		n.Send(startFreeze())
		n.Send(crit(fmt.Sprintf("src %d", i), 1))
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("4000 Sends to a hung receiver took %s", d)
	}
	s.waitFor(t, 1, 5*time.Second)
	if st := n.Stats()[0]; st.Dropped < 3900 {
		t.Errorf("dropped %d, want the queue bounded at 8", st.Dropped)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	closed := time.Now()
	n.Close(ctx)
	if d := time.Since(closed); d > 2*time.Second {
		t.Errorf("Close took %s with a 200ms deadline", d)
	}
}

// A 4xx other than 408/429 is not retried: the URL is wrong and stays wrong.
func TestNotFoundIsNotRetried(t *testing.T) {
	s := newSink(t)
	s.fail = func(int) int { return 404 }
	n := New([]config.Notify{slackEntry(s.srv.URL)}, fast(nil))
	n.Send(startFreeze())
	waitStats(t, n, func(st Stats) bool { return st.Failed == 1 })
	closeNow(t, n)
	if len(s.requests()) != 1 {
		t.Errorf("a 404 was tried %d times", len(s.requests()))
	}
}

// on:, sources: and checkpoints: filter; the most specific kind named is sent.
func TestFilters(t *testing.T) {
	s := newSink(t)
	e := webhookEntry(s.srv.URL)
	e.On, e.Sources, e.Checkpoints = []string{"crit", "checkpoint"}, []string{"db"}, []string{"catch-up"}
	n := New([]config.Notify{e}, fast(nil))
	n.Send(crit("shop", 1))      // not a source it wants
	n.Send(recovered("db", 0.1)) // not an event it wants
	n.Send(startFreeze())        // not a checkpoint it wants
	n.Send(overrideDone())       // an override: sent as the checkpoint it wants
	n.Send(crit("db", 3))        // sent
	got := s.waitFor(t, 2, 5*time.Second)
	closeNow(t, n)
	if len(s.requests()) != 2 || got[0].body["event"] != "checkpoint" || got[1].body["event"] != "crit" {
		t.Errorf("got %v", texts(s.requests()))
	}
}

// The URL, its path and header values never appear in an error.
func TestErrorsHideTheURL(t *testing.T) {
	s := newSink(t)
	url := s.srv.URL + "/services/T1/B2/TOPSECRET?token=hunter2"
	s.srv.Close() // nothing listens: connection refused
	e := webhookEntry(url)
	e.Headers = map[string]string{"Authorization": "Bearer hunter3"}
	res := Test(context.Background(), []config.Notify{e}, "t", fast(nil))
	if res[0].Err == nil {
		t.Fatal("a closed server took the test message")
	}
	msg := res[0].Err.Error()
	for _, secret := range []string{"TOPSECRET", "hunter2", "hunter3", "/services"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q shows %q", msg, secret)
		}
	}
	if !strings.Contains(msg, "connection failed") {
		t.Errorf("error %q does not say what failed", msg)
	}
}

// notify test sends one test message to every entry.
func TestTestMessage(t *testing.T) {
	a, b := newSink(t), newSink(t)
	res := Test(context.Background(), []config.Notify{slackEntry(a.srv.URL), webhookEntry(b.srv.URL)}, "Market cutover", fast(nil))
	if res[0].Err != nil || res[1].Err != nil || res[0].Shown != "slack webhook (hidden)" {
		t.Fatalf("results %+v", res)
	}
	if got := b.requests()[0].body; got["event"] != "test" || !strings.Contains(got["text"].(string), "this receiver works") {
		t.Errorf("test body %v", got)
	}
	if len(a.requests()) != 1 {
		t.Errorf("slack got %d", len(a.requests()))
	}
}

// A summed-up message's webhook body lists every change and the interval; it goes exactly
// min_interval after the first message (in a synctest bubble).
func TestWebhookSummaryBody(t *testing.T) {
	inBubble(t, testWebhookSummaryBody)
}

func testWebhookSummaryBody(t *testing.T, s *sink, opt Options) {
	e := webhookEntry(s.srv.URL)
	e.MinInterval = config.Duration(200 * time.Millisecond)
	n := New([]config.Notify{e}, opt)
	n.Send(crit("db", 9))
	n.Send(recovered("db", 0.1))
	n.Send(crit("db", 8))
	synctest.Wait()
	s.wantCount(t, 1, "at once")
	time.Sleep(200 * time.Millisecond)
	synctest.Wait()
	got := s.wantCount(t, 2, "at min_interval")
	closeNow(t, n)
	b := got[1].body
	changes, _ := b["changes"].([]any)
	if b["event"] != "crit" || b["from"] != "crit" || b["to"] != "crit" || len(changes) != 2 || b["interval_s"] != 0.2 {
		t.Errorf("summary body %s", got[1].raw)
	}
}
