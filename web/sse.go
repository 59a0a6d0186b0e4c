package web

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Live streams: one renderer for every page, at most two frames a second and one every
// five seconds for the clock; each stream keeps only the newest frame, so a slow phone
// skips frames and never holds up the board or another page.
const (
	minFrameGap  = 500 * time.Millisecond
	clockFrame   = 5 * time.Second
	heartbeat    = 15 * time.Second
	writeTimeout = 10 * time.Second
)

// hub fans the board fragment out to the live pages.
type hub struct {
	mu      sync.Mutex
	max     int
	clients map[chan string]struct{}
	joins   int // streams ever joined
}

func newHub(max int) *hub { return &hub{max: max, clients: map[chan string]struct{}{}} }

// join adds a stream; nil when there are already max.
func (h *hub) join() chan string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.clients) >= h.max {
		return nil
	}
	ch := make(chan string, 1)
	h.clients[ch] = struct{}{}
	h.joins++
	return ch
}

func (h *hub) leave(ch chan string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.clients, ch)
}

func (h *hub) joinCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.joins
}

func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// publish hands frame to every stream, replacing a frame it has not taken yet.
func (h *hub) publish(frame string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.clients {
		select {
		case <-ch:
		default:
		}
		ch <- frame
	}
}

// run renders a frame when the board has news, a gate's hold has completed or the clock has
// moved on, and someone watches, until ctx ends.
func (h *hub) run(ctx context.Context, s *Server) {
	sub := s.deps.Board.Subscribe()
	defer sub.Close()
	tick := time.NewTicker(minFrameGap)
	defer tick.Stop()
	var lastAt, holdDue time.Time
	dirty := true
	for {
		select {
		case <-ctx.Done():
			return
		case <-sub.C():
			dirty = true
			continue // drawn on the next tick: at most two frames a second
		case <-tick.C:
		}
		if h.count() == 0 {
			continue
		}
		held := !holdDue.IsZero() && !s.deps.Now().Before(holdDue) // a gate turned green
		if !dirty && !held && time.Since(lastAt) < clockFrame {
			continue
		}
		var frame string
		frame, holdDue = s.fragment()
		h.publish(frame)
		lastAt, dirty = time.Now(), false
	}
}

// events streams the board fragment as server-sent events ("event: board").
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	ch := s.hub.join()
	if ch == nil {
		w.Header().Set("Retry-After", "30")
		http.Error(w, "too many live pages: reload in a while", http.StatusServiceUnavailable)
		return
	}
	defer s.hub.leave(ch)
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	frame, _ := s.fragment() // the page may be older than this stream
	send := func(msg string) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := w.Write([]byte(msg)); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send("retry: 1000\n" + sseEvent("board", frame)) {
		return
	}
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	end := time.NewTimer(s.opt.StreamLifetime)
	defer end.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-end.C:
			return
		case frame := <-ch:
			if !send(sseEvent("board", frame)) {
				return
			}
		case <-beat.C:
			if !send(": keep-alive\n\n") {
				return
			}
		}
	}
}

// sseEvent frames data as one event: every line of it a data: line.
func sseEvent(name, data string) string {
	var b strings.Builder
	b.WriteString("event: " + name + "\n")
	for _, line := range strings.Split(strings.ReplaceAll(data, "\r", ""), "\n") {
		b.WriteString("data: " + line + "\n")
	}
	b.WriteString("\n")
	return b.String()
}
