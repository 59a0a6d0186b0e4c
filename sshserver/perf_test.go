package sshserver

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/warroom-dev/warroom/sources"
)

// The measurement of docs/perf-ssh.md. It is not run by default:
//
//	WARROOM_PERF=1 go test -run TestPerfSessions -v -timeout 10m ./sshserver
//
// WARROOM_PERF_SESSIONS (default 100), WARROOM_PERF_SECONDS (default 30) and
// WARROOM_PERF_SIZE (default 200x50) change the load. The server runs in the test process;
// the clients run in a child process (this test binary again), so the process's CPU time
// is the server's alone.

type perfClientResult struct {
	Sessions  int   `json:"sessions"`
	BytesRead int64 `json:"bytes_read"`
	Errors    int   `json:"errors"`
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestPerfSessions(t *testing.T) {
	if os.Getenv("WARROOM_PERF") != "1" {
		t.Skip("set WARROOM_PERF=1 to measure (takes about a minute)")
	}
	n, secs := envInt("WARROOM_PERF_SESSIONS", 100), envInt("WARROOM_PERF_SECONDS", 30)
	w, h := 200, 50
	if s := os.Getenv("WARROOM_PERF_SIZE"); s != "" {
		fmt.Sscanf(s, "%dx%d", &w, &h)
	}
	k, priv := newKeyWithPrivate(t, "perf")
	cfg := keysConfig(nil, []testKey{k})
	cfg.MaxSessions, cfg.RatePerMinute = n+10, n+10
	f := start(t, cfg, Options{Grace: 10 * time.Second})
	keyPath, _ := f.opensshFiles(priv)

	// One board update a second: a new latency sample, as a real source would bring. With
	// WARROOM_PERF_DEMO=1 the whole demo runs instead: eight sources polled every second and
	// the scripted team walking the runsheet.
	stopUpdates := make(chan struct{})
	updated := make(chan struct{})
	demo := os.Getenv("WARROOM_PERF_DEMO") == "1"
	go func() {
		defer close(updated)
		if demo {
			ctx, cancel := context.WithCancel(context.Background())
			go func() { <-stopUpdates; cancel() }()
			f.app.Run(ctx)
			return
		}
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stopUpdates:
				return
			case now := <-tick.C:
				v := 180 + 60*math.Sin(float64(i)/5)
				f.app.Board.Ingest("app p95", sources.Result{Status: sources.OK, Value: &v, Unit: "ms"}, now)
			}
		}
	}()
	defer func() { close(stopUpdates); <-updated }()

	settle := 5 * time.Second
	child := exec.Command(os.Args[0], "-test.run=^TestPerfClients$", "-test.v")
	child.Env = append(os.Environ(), "WARROOM_PERF_CLIENT_ADDR="+f.addr, "WARROOM_PERF_CLIENT_KEY="+keyPath,
		fmt.Sprintf("WARROOM_PERF_CLIENT_N=%d", n), fmt.Sprintf("WARROOM_PERF_CLIENT_SIZE=%dx%d", w, h),
		fmt.Sprintf("WARROOM_PERF_CLIENT_SECONDS=%d", secs+int(2*settle/time.Second)),
		"WARROOM_PERF_CLIENT_HOSTKEY="+string(gossh.MarshalAuthorizedKey(f.hostPub)))
	out := &syncBuffer{}
	child.Stdout, child.Stderr = out, out
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); f.srv.Stats().Watchers < n; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d sessions opened; clients said:\n%s", f.srv.Stats().Watchers, n, out)
		}
	}
	time.Sleep(settle) // wall time: a measurement of real clients; let their first frames settle

	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	st0, cpu0, t0 := f.srv.Stats(), cpuTime(), time.Now()
	time.Sleep(time.Duration(secs) * time.Second) // wall time: the measured window (CPU, bytes per second)
	st1, cpu1, t1 := f.srv.Stats(), cpuTime(), time.Now()
	runtime.ReadMemStats(&m1)
	goroutines := runtime.NumGoroutine()
	if path := os.Getenv("WARROOM_PERF_HEAP"); path != "" {
		if hf, err := os.Create(path); err == nil {
			_ = pprof.WriteHeapProfile(hf)
			hf.Close()
		}
	}

	if err := child.Wait(); err != nil {
		t.Fatalf("clients: %v\n%s", err, out)
	}
	elapsed := t1.Sub(t0).Seconds()
	perSess := func(b int64) float64 { return float64(b) / float64(n) / elapsed }
	load := "one board update a second"
	if demo {
		load = "the demo running (8 sources a second, the team walking the runsheet)"
	}
	t.Logf("%d sessions at %dx%d, %s, %.0f s measured", n, w, h, load, elapsed)
	t.Logf("server CPU: %.3f cores (%.2f s of CPU in %.1f s)", (cpu1-cpu0).Seconds()/elapsed, (cpu1 - cpu0).Seconds(), elapsed)
	t.Logf("sent per session: %.0f B/s on the wire (encrypted, framed), %.0f B/s of terminal output",
		perSess(st1.WireBytes-st0.WireBytes), perSess(st1.PayloadBytes-st0.PayloadBytes))
	t.Logf("server heap in use %.1f MiB, %d goroutines (%.0f per session)", float64(m1.HeapInuse)/(1<<20), goroutines,
		float64(goroutines)/float64(n))
	t.Logf("clients: %s", out)
	if st1.Sessions != n {
		t.Fatalf("%d sessions open at the end of the measurement, want %d", st1.Sessions, n)
	}
}

// TestPerfClients is the client side of TestPerfSessions, run in a child process.
func TestPerfClients(t *testing.T) {
	addr := os.Getenv("WARROOM_PERF_CLIENT_ADDR")
	if addr == "" {
		t.Skip("the client side of TestPerfSessions")
	}
	n, secs := envInt("WARROOM_PERF_CLIENT_N", 100), envInt("WARROOM_PERF_CLIENT_SECONDS", 40)
	var w, h int
	fmt.Sscanf(os.Getenv("WARROOM_PERF_CLIENT_SIZE"), "%dx%d", &w, &h)
	keyPEM, err := os.ReadFile(os.Getenv("WARROOM_PERF_CLIENT_KEY"))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := pem.Decode(keyPEM); b == nil {
		t.Fatal("no key")
	}
	signer, err := gossh.ParsePrivateKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	hostKey, _, _, _, err := gossh.ParseAuthorizedKey([]byte(os.Getenv("WARROOM_PERF_CLIENT_HOSTKEY")))
	if err != nil {
		t.Fatal(err)
	}
	cfg := &gossh.ClientConfig{User: "viewer", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.FixedHostKey(hostKey), Timeout: 30 * time.Second}
	var read atomic.Int64
	var failures atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(time.Duration(secs) * time.Second)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := perfSession(cfg, addr, w, h, deadline, &read); err != nil {
				failures.Add(1)
				t.Logf("session %d: %v", i, err)
			}
		}()
		time.Sleep(10 * time.Millisecond) // wall time: stagger real handshakes as real viewers would arrive
	}
	wg.Wait()
	res, _ := json.Marshal(perfClientResult{Sessions: n, BytesRead: read.Load(), Errors: int(failures.Load())})
	t.Logf("%s", res)
	if failures.Load() > 0 {
		t.Fail()
	}
}

// perfSession watches the board until deadline, counting what it reads.
func perfSession(cfg *gossh.ClientConfig, addr string, w, h int, deadline time.Time, read *atomic.Int64) error {
	conn, err := gossh.Dial("tcp", addr, cfg)
	if err != nil {
		return err
	}
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		return err
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		return err
	}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		return err
	}
	if err := sess.Shell(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 32<<10)
		for {
			m, err := out.Read(buf)
			read.Add(int64(m))
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = nil
				}
				done <- err
				return
			}
		}
	}()
	select {
	case err := <-done:
		return fmt.Errorf("session ended early: %v", err)
	case <-time.After(time.Until(deadline)):
	}
	sess.Close()
	conn.Close()
	<-done
	return nil
}
