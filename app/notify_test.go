package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/notify"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// slackSink is a loopback Slack-shaped receiver: it records each message's text.
type slackSink struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []string
}

func newSlackSink(t *testing.T) *slackSink {
	s := &slackSink{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Text   string `json:"text"`
			Blocks []any  `json:"blocks"`
		}
		raw, _ := io.ReadAll(r.Body)
		if json.Unmarshal(raw, &body) != nil || body.Text == "" || len(body.Blocks) == 0 {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.got = append(s.got, body.Text)
		s.mu.Unlock()
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *slackSink) texts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...)
}

// waitText waits until a message containing part has arrived, and returns all so far.
func (s *slackSink) waitText(t *testing.T, part string) []string {
	t.Helper()
	for range 1000 {
		for _, m := range s.texts() {
			if strings.Contains(m, part) {
				return s.texts()
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no message with %q; got %q", part, s.texts())
	return nil
}

func count(msgs []string, part string) int {
	n := 0
	for _, m := range msgs {
		if strings.Contains(m, part) {
			n++
		}
	}
	return n
}

// twoBoards builds two processes' worth of App on one journal, polling one probe.
func twoBoards(t *testing.T, probe, slack string) (*App, *App) {
	dir := t.TempDir()
	src := fmt.Sprintf(`title: Market cutover
health:
  - {name: shop, url: %q, interval: 100ms, timeout: 1s}
runsheet:
  journal: %s
  checkpoints:
    - {id: freeze, title: Old primary read-only, planned: 5m}
notify:
  - {name: room, slack: %q, min_interval: 100ms}
`, probe, filepath.Join(dir, "j"), slack)
	path := filepath.Join(dir, "w.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	var apps [2]*App
	for i := range apps {
		cfg, err := config.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if apps[i], err = New(cfg, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	return apps[0], apps[1]
}

// Of two polling processes on one journal, only the holder of the notify lock sends status
// changes; when it stops, the other takes over. A transition is sent by the process that
// journaled it, once.
func TestNotifyOnceForTwoProcesses(t *testing.T) {
	defer func(d time.Duration) { notifyLockRetry = d }(notifyLockRetry)
	notifyLockRetry = 50 * time.Millisecond
	var down atomic.Bool
	probe := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer probe.Close()
	slack := newSlackSink(t)
	a, b := twoBoards(t, probe.URL, slack.srv.URL)
	ctxA, stopA := context.WithCancel(context.Background())
	ctxB, stopB := context.WithCancel(context.Background())
	doneA, doneB := make(chan struct{}), make(chan struct{})
	lock := notify.LockPath(a.Config.Runsheet.Journal)
	go func() { a.Run(ctxA); close(doneA) }()
	waitLockHeld(t, lock) // a takes the lock first
	go func() { b.Run(ctxB); close(doneB) }()
	defer func() {
		stopA()
		stopB()
		<-doneA
		<-doneB
		a.Close()
		b.Close()
	}()

	// Both have seen shop ok (nothing is sent for that) before it goes down: a process whose
	// first sight of shop is crit tells it when it takes over, as a board started mid-outage.
	for _, x := range []*App{a, b} {
		waitStatus(t, x, "shop", sources.OK)
	}
	// and their watches (woken at least every 50 ms) have too: nothing outside a watch shows
	// what it has seen, so this is a margin of six wake-ups.
	time.Sleep(300 * time.Millisecond)
	if got := slack.texts(); len(got) != 0 {
		t.Fatalf("the first ok sent %q", got)
	}
	down.Store(true)
	slack.waitText(t, "shop: ok → crit")
	if err := b.Apply(context.Background(), runsheet.Transition{Checkpoint: "freeze", Action: runsheet.Start, By: "dana"}); err != nil {
		t.Fatal(err)
	}
	slack.waitText(t, "freeze (Old primary read-only) started by dana, planned 5m")

	waitStatus(t, b, "shop", sources.Crit) // b has seen the outage too (each process polls on its own)
	time.Sleep(300 * time.Millisecond)     // and its watch has followed it (a margin, as above)
	stopA()                                // the lock holder exits; b takes over
	<-doneA
	waitLockHeld(t, lock) // by b: a has exited
	down.Store(false)
	got := slack.waitText(t, "shop recovered")
	// A negative check: nothing marks "no doubled message is coming", so this waits a while
	// (a slow machine can only make it miss a doubled message, never fail wrongly).
	time.Sleep(500 * time.Millisecond)
	got = slack.texts()
	if count(got, "shop: ok → crit") != 1 || count(got, "started by dana") != 1 || count(got, "shop recovered") != 1 || len(got) != 3 {
		t.Errorf("messages %q: want the crit, the start and the recovery once each", got)
	}
}

// waitLockHeld waits (at most 15 s) until some process holds the notify lock at path: the
// test's own try is refused. A try that gets it lets go at once.
func waitLockHeld(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		l, err := notify.TryLock(path)
		if err != nil {
			t.Fatal(err)
		}
		if l == nil {
			return
		}
		l.Release()
	}
	t.Fatal("no process took the notify lock within 15 s")
}

// check never notifies.
func TestCheckNeverNotifies(t *testing.T) {
	probe := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer probe.Close()
	slack := newSlackSink(t)
	a, b := twoBoards(t, probe.URL, slack.srv.URL)
	b.Close()
	cfg := a.Config
	a.Close()
	c, err := New(cfg, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep := c.Check(context.Background()); rep.Status != "crit" {
		t.Fatalf("check status %s", rep.Status)
	}
	c.Close()
	if c.Notifier() != nil || len(slack.texts()) != 0 {
		t.Errorf("check sent %q", slack.texts())
	}
}

// waitStatus waits (at most 15 s) until app's board has polled the source and shows want.
func waitStatus(t *testing.T, app *App, name string, want sources.Status) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if st, ok := app.Board.Snapshot().Source(name); ok && st.Polls > 0 && st.Status == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s was not %s on the board within 15 s", name, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
