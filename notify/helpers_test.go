package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// sink is a loopback receiver that records every request. fail, when set, answers a
// request instead of 200 (return 0 to accept it).
type sink struct {
	srv  *httptest.Server
	mu   sync.Mutex
	got  []request
	fail func(n int) int
	hang chan struct{} // closed to release hung handlers
}

type request struct {
	header http.Header
	body   map[string]any
	raw    string
}

func newSink(t *testing.T) *sink {
	s := &sink{hang: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		s.mu.Lock()
		s.got = append(s.got, request{header: r.Header.Clone(), body: body, raw: string(raw)})
		n, fail := len(s.got), s.fail
		s.mu.Unlock()
		if fail != nil {
			if code := fail(n); code < 0 {
				select {
				case <-s.hang:
				case <-r.Context().Done():
				}
				return
			} else if code != 0 {
				w.WriteHeader(code)
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(func() {
		select {
		case <-s.hang:
		default:
			close(s.hang)
		}
		s.srv.Close()
	})
	return s
}

func (s *sink) requests() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.got...)
}

// waitFor polls until the sink holds n requests or the time is up.
func (s *sink) waitFor(t *testing.T, n int, within time.Duration) []request {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if got := s.requests(); len(got) >= n {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
	got := s.requests()
	t.Fatalf("the receiver got %d requests within %s, want %d: %v", len(got), within, n, texts(got))
	return nil
}

func texts(rs []request) []string {
	var out []string
	for _, r := range rs {
		if s, ok := r.body["text"].(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// reports collects what a notifier reports for the board.
type reports struct {
	mu  sync.Mutex
	got []string
	st  []sources.Status
}

func (r *reports) add(st sources.Status, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got, r.st = append(r.got, text), append(r.st, st)
}

func (r *reports) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

// fast are options for tests: short backoff and timeouts.
func fast(rep *reports) Options {
	o := Options{Backoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Timeout: 2 * time.Second, Attempts: 3}
	if rep != nil {
		o.Report = rep.add
	}
	return o
}

// inBubble runs f in a synctest bubble (fake time: min_interval and backoff are exact and
// nobody waits on the wall clock) with a sink started outside it, so that its server's
// goroutines are not the bubble's. The notifier's client keeps no idle connection: an idle
// connection's reader waits on the network, is never durably blocked, and would stop the
// bubble's clock. synctest.Wait returns once every request made so far has been answered.
func inBubble(t *testing.T, f func(t *testing.T, s *sink, opt Options)) {
	s := newSink(t)
	synctest.Test(t, func(t *testing.T) {
		opt := fast(nil)
		opt.Client = newClient()
		opt.Client.Transport.(*http.Transport).DisableKeepAlives = true
		f(t, s, opt)
	})
}

// wantCount fails unless the sink holds exactly n requests, saying when (what).
func (s *sink) wantCount(t *testing.T, n int, what string) []request {
	t.Helper()
	got := s.requests()
	if len(got) != n {
		t.Fatalf("%s: %d requests, want %d: %v", what, len(got), n, texts(got))
	}
	return got
}

func slackEntry(url string) config.Notify {
	return config.Notify{Name: "room", Slack: url, MinInterval: config.Duration(time.Minute)}
}

func webhookEntry(url string) config.Notify {
	return config.Notify{Name: "pager", Webhook: url, Headers: map[string]string{"Authorization": "Bearer s3cret"},
		MinInterval: config.Duration(time.Minute)}
}

func closeNow(t *testing.T, n *Notifier) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n.Close(ctx)
}

var at = time.Date(2026, 12, 1, 2, 14, 5, 0, time.UTC)

func crit(src string, v float64) Event {
	return Event{Kinds: []string{KindCrit}, Title: "Market cutover", Time: at, Source: src, From: "ok", To: "crit",
		Value: &v, Unit: "s", Detail: "SQL thread stopped"}
}

func recovered(src string, v float64) Event {
	return Event{Kinds: []string{KindRecovered}, Title: "Market cutover", Time: at.Add(time.Minute), Source: src,
		From: "crit", To: "ok", Value: &v, Unit: "s"}
}
