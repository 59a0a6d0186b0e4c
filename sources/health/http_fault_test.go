package health

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// rawServer accepts connections on loopback and hands each to serve; it closes every
// connection and waits for its goroutines when the test ends.
func rawServer(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() { defer wg.Done(); serve(c) }()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}

// readRequest reads one request head so that the client has finished writing.
func readRequest(c net.Conn) {
	_, _ = http.ReadRequest(bufio.NewReader(c))
}

func TestHTTPNeverAnswersEndsAtDeadline(t *testing.T) {
	addr := rawServer(t, func(c net.Conn) {
		readRequest(c)
		_, _ = c.Read(make([]byte, 1)) // hold the connection until the test closes it
	})
	p := newProbe(t, config.Health{URL: "http://" + addr + "/", Timeout: config.Duration(10 * time.Second)})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	r := p.Poll(ctx)
	took := time.Since(start)
	expectStatus(t, r, sources.Crit)
	if took > 2*time.Second {
		t.Errorf("Poll took %v with a 300ms deadline", took)
	}
	if r.Error != "timeout after 300ms (no first byte)" {
		t.Errorf("error %q", r.Error)
	}
	if r.Value != nil || !r.Failed {
		t.Errorf("a timeout has no latency (got %v) and is a failed poll (got %v)", r.Value, r.Failed)
	}

	// With no deadline from the caller, the probe's own timeout ends the poll.
	p = newProbe(t, config.Health{URL: "http://" + addr + "/", Timeout: config.Duration(250 * time.Millisecond)})
	start = time.Now()
	r = p.Poll(context.Background())
	if took := time.Since(start); took > 2*time.Second || r.Error != "timeout after 250ms (no first byte)" {
		t.Errorf("own timeout: took %v, error %q", took, r.Error)
	}

	// A cancel (the program quitting) ends it too.
	p = newProbe(t, config.Health{URL: "http://" + addr + "/", Timeout: config.Duration(10 * time.Second)})
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start = time.Now()
	if r = p.Poll(ctx); r.Error != "canceled" || time.Since(start) > 5*time.Second {
		t.Errorf("cancelled poll: error %q after %v", r.Error, time.Since(start))
	}
}

func TestHTTPConnectionReset(t *testing.T) {
	addr := rawServer(t, func(c net.Conn) {
		readRequest(c)
		_ = c.(*net.TCPConn).SetLinger(0) // close with a RST
		_ = c.Close()
	})
	p := newProbe(t, config.Health{URL: "http://" + addr + "/"})
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.Crit)
	if r.Error != "connection reset by peer (no first byte)" {
		t.Errorf("error %q", r.Error)
	}
}

func TestHTTPClosedWithoutAnswer(t *testing.T) {
	addr := rawServer(t, func(c net.Conn) {
		readRequest(c)
		_ = c.Close()
	})
	p := newProbe(t, config.Health{URL: "http://" + addr + "/"})
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.Crit)
	if r.Error != "server closed the connection without answering" {
		t.Errorf("error %q", r.Error)
	}
}

func TestHTTPEndlessBodyIsBounded(t *testing.T) {
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("x", 32<<10))
		for i := 0; i < 8192 && r.Context().Err() == nil; i++ { // at most 256 MiB
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	for _, expect := range []config.HealthExpect{{}, {BodyContains: "never"}} {
		p := newProbe(t, config.Health{URL: srv.URL, Expect: expect, Timeout: config.Duration(10 * time.Second)})
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		r := p.Poll(context.Background())
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		expectStatus(t, r, sources.Crit)
		if r.Error != "body exceeds 1 MiB" || r.Detail != "200 · body over 1 MiB" {
			t.Errorf("error %q detail %q", r.Error, r.Detail)
		}
		if took > 3*time.Second {
			t.Errorf("reading an endless body took %v", took)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
			t.Errorf("one poll of an endless body allocated %d KiB", alloc>>10)
		}
		if r.Value != nil || r.Facts["latency_ms"] != nil || r.Facts["status_code"] != 200 || r.Failed {
			t.Errorf("value %v facts %v", r.Value, r.Facts)
		}
	}
	if written.Load() <= 1<<20 {
		t.Errorf("the server wrote only %d bytes; the test did not exercise the limit", written.Load())
	}
}

func TestHTTPAnnouncedBigBodyIsNotRead(t *testing.T) {
	// The server announces 64 MiB and sends none of it: the probe judges by the announcement
	// instead of waiting for a body it would not read anyway.
	addr := rawServer(t, func(c net.Conn) {
		readRequest(c)
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", 64<<20)
		_, _ = c.Read(make([]byte, 1))
	})
	p := newProbe(t, config.Health{URL: "http://" + addr + "/", Timeout: config.Duration(5 * time.Second)})
	start := time.Now()
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.Crit)
	if took := time.Since(start); r.Error != "body exceeds 1 MiB" || r.Failed || took > time.Second {
		t.Errorf("error %q failed %v took %v", r.Error, r.Failed, took)
	}
}

func TestHTTPBodyStallsEndsAtDeadline(t *testing.T) {
	addr := rawServer(t, func(c net.Conn) {
		readRequest(c)
		fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it")
		_, _ = c.Read(make([]byte, 1))
	})
	p := newProbe(t, config.Health{URL: "http://" + addr + "/", Timeout: config.Duration(300 * time.Millisecond)})
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.Crit)
	if r.Error != "timeout after 300ms (reading body)" || !r.Failed || r.Facts["status_code"] != 200 || r.Value != nil {
		t.Errorf("error %q failed %v facts %v", r.Error, r.Failed, r.Facts)
	}
}

func TestHTTPBodyOfExactlyOneMiBIsFine(t *testing.T) {
	body := strings.Repeat("y", maxBody-2) + "ok"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	p := newProbe(t, config.Health{URL: srv.URL, Expect: config.HealthExpect{BodyContains: "ok"}})
	expectStatus(t, p.Poll(context.Background()), sources.OK)
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestHTTPEscapeSequencesNeverLeak(t *testing.T) {
	// 7-bit sequences (OSC title, clear screen, colour, DCS) and an 8-bit CSI.
	const evil = "\x1b]0;owned\x07\x1b[2J\x1b[31m\u009b1;1H\x1bPq#0\x1b\\"
	// Header values cannot carry C0 controls (the client refuses them), but 8-bit ones pass.
	const evil8 = "\u009b2J\u009d0;owned\u009c\u202e"
	bodies := map[string]string{
		"/title": "<html><title>" + evil + "Maintenance\x1b[0m</title></html>",
		"/line":  evil + "down for\tmaintenance\r\n\x00\x7f",
		"/json":  `{"db":` + jsonString(evil+"down") + `}`,
	}
	addr := rawServer(t, func(c net.Conn) {
		req, err := http.ReadRequest(bufio.NewReader(c))
		if err != nil {
			return
		}
		body := bodies[req.URL.Path]
		header := evil8
		if req.URL.Query().Get("c0") != "" {
			header = evil
		}
		fmt.Fprintf(c, "HTTP/1.1 503 Service Unavailable\r\nX-Served-By: %sbackend-%s\r\nLocation: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
			header, req.URL.Query().Get("n"), header, len(body), body)
	})
	for path := range bodies {
		for _, expect := range []config.HealthExpect{
			{},
			{Status: []int{302}},
			{Status: []int{503}, BodyContains: "never there"},
			{Status: []int{503}, JSON: &config.JSONCheck{Path: "$.db", Equals: "up"}},
		} {
			p := newProbe(t, config.Health{URL: "http://" + addr + path, Expect: expect, ServedByHeader: "x-served-by"})
			for i := 0; i < 2; i++ {
				p.(*httpProbe).url = fmt.Sprintf("http://%s%s?n=%d", addr, path, i)
				r := p.Poll(context.Background())
				expectStatus(t, r, sources.Crit)
				assertClean(t, r)
				shown := r.Error + strings.Join(r.Events, "")
				if path != "/json" { // a JSON body's first line is shown as written: \u001b as text is harmless
					shown += r.Detail
				}
				if strings.Contains(shown, "owned") || strings.Contains(shown, "[31m") {
					t.Errorf("%s: escape payload survived: error %q detail %q events %q", path, r.Error, r.Detail, r.Events)
				}
				if sb := r.Facts["served_by"]; sb != fmt.Sprintf("backend-%d", i) {
					t.Errorf("served_by %q", sb)
				}
			}
		}
	}
	// C0 controls in a header make the answer malformed; the error does not quote it.
	p := newProbe(t, config.Health{URL: "http://" + addr + "/line?c0=1"})
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.Crit)
	assertClean(t, r)
	if r.Error != "bad HTTP response from the server: malformed MIME header line" {
		t.Errorf("error %q", r.Error)
	}
}
