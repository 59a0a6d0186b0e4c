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
	"testing/synctest"
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
		w.Header().Set("Connection", "close") // no idle connection: see TestNotifyOnceForTwoProcesses
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
// journaled it, once. In a synctest bubble (fake time; the servers stay outside it and
// close every connection, so that no idle connection's reader, waiting on the network,
// stops the bubble's clock): synctest.Wait is the moment every poll, watch and delivery
// so far is done, so nothing here guesses how long they take.
func TestNotifyOnceForTwoProcesses(t *testing.T) {
	defer func(d time.Duration) { notifyLockRetry = d }(notifyLockRetry)
	notifyLockRetry = 50 * time.Millisecond
	var down atomic.Bool
	probe := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer probe.Close()
	slack := newSlackSink(t)
	synctest.Test(t, func(t *testing.T) { testNotifyOnceForTwoProcesses(t, probe.URL, slack, &down) })
}

func testNotifyOnceForTwoProcesses(t *testing.T, probe string, slack *slackSink, down *atomic.Bool) {
	a, b := twoBoards(t, probe, slack.srv.URL)
	ctxA, stopA := context.WithCancel(context.Background())
	ctxB, stopB := context.WithCancel(context.Background())
	doneA, doneB := make(chan struct{}), make(chan struct{})
	lock := notify.LockPath(a.Config.Runsheet.Journal)
	go func() { a.Run(ctxA); close(doneA) }()
	synctest.Wait()
	if !lockHeld(t, lock) {
		t.Fatal("a running board did not take the notify lock") // a takes it first
	}
	go func() { b.Run(ctxB); close(doneB) }()
	defer func() {
		stopA()
		stopB()
		<-doneA
		<-doneB
		a.Close()
		b.Close()
	}()
	messages := func(after time.Duration, want int, what string) []string {
		t.Helper()
		time.Sleep(after)
		synctest.Wait()
		got := slack.texts()
		if len(got) != want {
			t.Fatalf("%s: messages %q, want %d", what, got, want)
		}
		return got
	}

	// Both have seen shop ok (nothing is sent for that), and so have their watches, before
	// it goes down: a process whose first sight of shop is crit tells it when it takes over,
	// as a board started mid-outage.
	messages(2*time.Second, 0, "the first ok")
	for _, x := range []*App{a, b} {
		if st, ok := x.Board.Snapshot().Source("shop"); !ok || st.Polls == 0 || st.Status != sources.OK {
			t.Fatalf("shop is not ok on both boards after 2 s: %+v", st)
		}
	}
	down.Store(true)
	if got := messages(time.Second, 1, "the outage"); !strings.Contains(got[0], "shop: ok → crit") {
		t.Fatalf("the outage sent %q", got)
	}
	if err := b.Apply(context.Background(), runsheet.Transition{Checkpoint: "freeze", Action: runsheet.Start, By: "dana"}); err != nil {
		t.Fatal(err)
	}
	if got := messages(0, 2, "b's start"); !strings.Contains(got[1], "freeze (Old primary read-only) started by dana, planned 5m") {
		t.Fatalf("b's start sent %q", got)
	}
	if st, _ := b.Board.Snapshot().Source("shop"); st.Status != sources.Crit {
		t.Fatalf("b has not seen the outage (each process polls on its own): %s", st.Status)
	}
	stopA() // the lock holder exits; b takes over
	<-doneA
	messages(time.Second, 2, "a has exited")
	if !lockHeld(t, lock) {
		t.Fatal("b did not take the notify lock over") // by b: a has exited
	}
	down.Store(false)
	got := messages(time.Second, 3, "the recovery")
	messages(5*time.Second, 3, "5 s later") // nothing doubled: 50 min_intervals, 100 lock retries on
	if count(got, "shop: ok → crit") != 1 || count(got, "started by dana") != 1 || count(got, "shop recovered") != 1 {
		t.Errorf("messages %q: want the crit, the start and the recovery once each", got)
	}
}

// lockHeld reports whether some process holds the notify lock at path: the test's own try
// is refused. A try that gets it lets go at once.
func lockHeld(t *testing.T, path string) bool {
	t.Helper()
	l, err := notify.TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	l.Release()
	return l == nil
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
