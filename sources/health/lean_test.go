package health

import (
	"bufio"
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// leanProbe builds a probe through New and fails unless it took the lean path.
func leanProbe(t *testing.T, h config.Health) sources.Source {
	t.Helper()
	p := newProbe(t, h)
	if p.(*httpProbe).lean == nil {
		t.Fatalf("%s: the probe does not take the lean path", h.URL)
	}
	return p
}

// countedRaw is rawServer that also counts the connections it accepted.
func countedRaw(t *testing.T, serve func(net.Conn)) (string, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	addr := rawServer(t, func(c net.Conn) { n.Add(1); serve(c) })
	return addr, &n
}

// answerEach answers every request on a connection with the answer write makes for it, until
// the client closes the connection or write returns false (then the server closes it).
func answerEach(write func(c net.Conn, req *http.Request) bool) func(net.Conn) {
	return func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			req, err := http.ReadRequest(br)
			if err != nil || !write(c, req) {
				_ = c.Close()
				return
			}
		}
	}
}

func TestLeanKeepAliveReuseAcrossPolls(t *testing.T) {
	srv, conns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Served-By", "aws-1")
		fmt.Fprint(w, `{"db":"up"}`)
	}))
	p := leanProbe(t, config.Health{URL: srv.URL + "/healthz", ServedByHeader: "X-Served-By",
		Expect: config.HealthExpect{JSON: &config.JSONCheck{Path: "$.db", Equals: "up"}}})
	for i := 0; i < 10; i++ {
		r := p.Poll(context.Background())
		expectStatus(t, r, sources.OK)
		ph := r.Facts["phases_ms"].(map[string]float64)
		if _, ok := ph["connect"]; ok != (i == 0) {
			t.Errorf("poll %d: phases %v (connect only on the first)", i, ph)
		}
		if r.Facts["served_by"] != "aws-1" || r.Detail != "aws-1 100%" {
			t.Errorf("poll %d: served_by %v detail %q", i, r.Facts["served_by"], r.Detail)
		}
	}
	if got := conns.Load(); got != 1 {
		t.Errorf("%d connections for 10 polls, want 1", got)
	}
}

// A server that closes a kept connection while it is idle (after its answer: EOF; or with
// a reset): the next poll sees it (or retries once) and succeeds on a new connection.
func TestLeanIdleCloseIsRetriedOnce(t *testing.T) {
	for _, reset := range []bool{false, true} {
		closed := make(chan struct{}, 4)
		addr, conns := countedRaw(t, answerEach(func(c net.Conn, _ *http.Request) bool {
			fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
			if reset {
				_ = c.(*net.TCPConn).SetLinger(0)
			}
			closed <- struct{}{}
			return false // close after one answer, without saying so
		}))
		p := leanProbe(t, config.Health{URL: "http://" + addr + "/"})
		for i := 0; i < 3; i++ {
			r := p.Poll(context.Background())
			expectStatus(t, r, sources.OK)
			<-closed
			time.Sleep(20 * time.Millisecond) // real time: the FIN/RST has to reach the client's socket
		}
		if got := conns.Load(); got != 3 {
			t.Errorf("reset %v: %d connections for 3 polls, want 3 (each retried once)", reset, got)
		}
	}
}

// A kept connection that fails again on the retry is reported, not retried forever.
func TestLeanRetryOnlyOnce(t *testing.T) {
	var n atomic.Int64
	addr := rawServer(t, answerEach(func(c net.Conn, _ *http.Request) bool {
		if n.Add(1) == 1 {
			fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
			return true
		}
		return false // every later request: closed without an answer
	}))
	p := leanProbe(t, config.Health{URL: "http://" + addr + "/"})
	expectStatus(t, p.Poll(context.Background()), sources.OK)
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.Crit)
	if r.Error != "server closed the connection without answering" || n.Load() != 3 {
		t.Errorf("error %q after %d requests, want 3 (one retry)", r.Error, n.Load())
	}
}

func TestLeanConnectionCloseAnswer(t *testing.T) {
	addr, conns := countedRaw(t, answerEach(func(c net.Conn, _ *http.Request) bool {
		fmt.Fprint(c, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok")
		return true // keep reading: the client must close it
	}))
	p := leanProbe(t, config.Health{URL: "http://" + addr + "/", Expect: config.HealthExpect{BodyContains: "ok"}})
	for i := 0; i < 3; i++ {
		expectStatus(t, p.Poll(context.Background()), sources.OK)
	}
	if got := conns.Load(); got != 3 {
		t.Errorf("%d connections for 3 Connection: close answers, want 3", got)
	}
}

func TestLeanFreshConnectionSendsClose(t *testing.T) {
	var saw atomic.Int64
	srv, conns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Close {
			saw.Add(1)
		}
		fmt.Fprint(w, "ok")
	}))
	p := leanProbe(t, config.Health{URL: srv.URL, FreshConnection: true})
	for i := 0; i < 3; i++ {
		expectStatus(t, p.Poll(context.Background()), sources.OK)
	}
	if conns.Load() != 3 || saw.Load() != 3 {
		t.Errorf("%d connections, %d requests with Connection: close; want 3 and 3", conns.Load(), saw.Load())
	}
}

func TestLeanChunkedBody(t *testing.T) {
	srv, conns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for _, part := range []string{"status: ", "all ", "systems ", "go"} {
			fmt.Fprint(w, part)
			w.(http.Flusher).Flush() // one chunk each
		}
	}))
	p := leanProbe(t, config.Health{URL: srv.URL, Expect: config.HealthExpect{BodyContains: "all systems go"}})
	for i := 0; i < 3; i++ {
		expectStatus(t, p.Poll(context.Background()), sources.OK)
	}
	if got := conns.Load(); got != 1 {
		t.Errorf("%d connections for 3 chunked answers, want 1", got)
	}
	p = leanProbe(t, config.Health{URL: srv.URL, Expect: config.HealthExpect{BodyContains: "systems down"}})
	if r := p.Poll(context.Background()); r.Error != `body did not contain "systems down"` {
		t.Errorf("error %q", r.Error)
	}
}

func TestLeanHTTP10WithoutLength(t *testing.T) {
	addr, conns := countedRaw(t, func(c net.Conn) {
		readRequest(c)
		fmt.Fprint(c, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello from an old server")
		_ = c.Close() // the end of the body
	})
	p := leanProbe(t, config.Health{URL: "http://" + addr + "/", Expect: config.HealthExpect{BodyContains: "old server"}})
	for i := 0; i < 2; i++ {
		expectStatus(t, p.Poll(context.Background()), sources.OK)
	}
	if got := conns.Load(); got != 2 {
		t.Errorf("%d connections, want 2: an HTTP/1.0 answer ends with its connection", got)
	}
}

func TestLeanHEAD(t *testing.T) {
	var methods atomic.Value
	addr, conns := countedRaw(t, answerEach(func(c net.Conn, req *http.Request) bool {
		methods.Store(req.Method)
		// A HEAD answer announces its GET's length and sends no body.
		fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n")
		return true
	}))
	p := leanProbe(t, config.Health{URL: "http://" + addr + "/", Method: "head", Timeout: config.Duration(time.Second)})
	for i := 0; i < 3; i++ {
		start := time.Now()
		r := p.Poll(context.Background())
		expectStatus(t, r, sources.OK)
		if time.Since(start) > 500*time.Millisecond {
			t.Errorf("a HEAD poll took %v: it waited for a body", time.Since(start))
		}
	}
	if methods.Load() != "HEAD" || conns.Load() != 1 {
		t.Errorf("method %v, %d connections for 3 HEAD polls; want HEAD and 1", methods.Load(), conns.Load())
	}
}

func TestLeanInformationalAnswersSkipped(t *testing.T) {
	addr := rawServer(t, answerEach(func(c net.Conn, req *http.Request) bool {
		n := 2
		if req.URL.Path == "/many" {
			n = 6
		}
		for i := 0; i < n; i++ {
			fmt.Fprint(c, []string{"HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"}[i%2])
		}
		fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nready")
		return true
	}))
	p := leanProbe(t, config.Health{URL: "http://" + addr + "/", Expect: config.HealthExpect{BodyContains: "ready"}})
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.OK)
	if r.Facts["status_code"] != 200 {
		t.Errorf("status_code %v", r.Facts["status_code"])
	}
	p = leanProbe(t, config.Health{URL: "http://" + addr + "/many"})
	if r = p.Poll(context.Background()); r.Error != "more than 5 informational (1xx) answers" {
		t.Errorf("error %q", r.Error)
	}
}

// A server that drip-feeds its headers (a byte every 20 ms, forever) ends at the deadline.
func TestLeanSlowLorisHeaders(t *testing.T) {
	addr := rawServer(t, func(c net.Conn) {
		readRequest(c)
		fmt.Fprint(c, "HTTP/1.1 200 OK\r\nX-Slow: ")
		for i := 0; i < 500; i++ { // at most 10 s
			if _, err := c.Write([]byte("z")); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond) // real time: a real slow server
		}
	})
	p := leanProbe(t, config.Health{URL: "http://" + addr + "/", Timeout: config.Duration(300 * time.Millisecond)})
	start := time.Now()
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.Crit)
	if took := time.Since(start); took > 2*time.Second || r.Error != "timeout after 300ms (reading body)" {
		t.Errorf("took %v, error %q", took, r.Error)
	}
}

// A header block that never ends is cut off at 1 MiB, long before the deadline.
func TestLeanOversizedHeaderBlock(t *testing.T) {
	addr := rawServer(t, func(c net.Conn) {
		readRequest(c)
		fmt.Fprint(c, "HTTP/1.1 200 OK\r\n")
		line := []byte("X-Filler: " + strings.Repeat("f", 1000) + "\r\n")
		for i := 0; i < 8192; i++ { // at most 8 MiB
			if _, err := c.Write(line); err != nil {
				return
			}
		}
	})
	p := leanProbe(t, config.Health{URL: "http://" + addr + "/", Timeout: config.Duration(10 * time.Second)})
	start := time.Now()
	r := p.Poll(context.Background())
	expectStatus(t, r, sources.Crit)
	if took := time.Since(start); took > 3*time.Second || r.Error != "the answer's headers exceed 1 MiB" || !r.Failed {
		t.Errorf("took %v, error %q failed %v", took, r.Error, r.Failed)
	}
}

// A server that closes the connection as the request arrives (its idle close racing the
// request): the poll retries once on a new connection and succeeds.
func TestLeanRetryAfterCloseRacingTheRequest(t *testing.T) {
	var n atomic.Int64
	addr, conns := countedRaw(t, answerEach(func(c net.Conn, _ *http.Request) bool {
		if n.Add(1) == 2 {
			return false // closed without an answer
		}
		fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		return true
	}))
	p := leanProbe(t, config.Health{URL: "http://" + addr + "/"})
	for i := 0; i < 3; i++ {
		expectStatus(t, p.Poll(context.Background()), sources.OK)
	}
	if n.Load() != 4 || conns.Load() != 2 {
		t.Errorf("%d requests on %d connections, want 4 on 2 (one retried)", n.Load(), conns.Load())
	}
}

// A server that writes unasked on the idle connection (net/http logs an "unsolicited
// response"): those bytes are not read as the next answer; the next poll takes a new
// connection and the complaint goes to the standard logger, as net/http's does.
func TestLeanUnsolicitedBytesOnIdleConnection(t *testing.T) {
	wrote := make(chan struct{}, 8)
	addr, conns := countedRaw(t, answerEach(func(c net.Conn, _ *http.Request) bool {
		fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		time.Sleep(20 * time.Millisecond) // real time: after the client has read the answer
		fmt.Fprint(c, "HTTP/1.1 200 OK\r\nX-Extra: unasked\r\n\r\n")
		wrote <- struct{}{}
		return true
	}))
	var logged strings.Builder
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	p := leanProbe(t, config.Health{URL: "http://" + addr + "/", Timeout: config.Duration(time.Second)})
	for i := 0; i < 3; i++ {
		expectStatus(t, p.Poll(context.Background()), sources.OK)
		<-wrote
		time.Sleep(20 * time.Millisecond) // real time: the bytes reach the client's socket
	}
	if conns.Load() != 3 || !strings.Contains(logged.String(), `Unsolicited response received on idle HTTP channel starting with "HTTP/1.1 200 OK\r\nX-Extra`) {
		t.Errorf("%d connections (want 3), logged %q", conns.Load(), logged.String())
	}
}
