package health

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// benchServerEnv makes the test binary serve HTTP for the benchmark instead of testing, so
// that the server's CPU is not counted as the probes'.
const benchServerEnv = "WARROOM_HEALTH_BENCH_SERVER"

// runBenchServer serves a small health answer on loopback, prints its address and runs
// until its stdin closes.
func runBenchServer() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Served-By", "aws-1")
		_, _ = io.WriteString(w, `{"db":"up","cache":"up","version":"2024.11.3"}`)
	})}
	go func() { _ = srv.Serve(l) }()
	fmt.Println(l.Addr().String())
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// startBenchServer starts the server process and returns its address.
func startBenchServer(b *testing.B) string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), benchServerEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	return addr[:len(addr)-1]
}

// cpuTimes returns the user and system CPU time this process has used.
func cpuTimes() (user, system time.Duration) {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}

// benchSeconds is how long the probes run: 10 s unless WARROOM_HEALTH_BENCH_SECONDS says.
func benchSeconds() time.Duration {
	if n, err := strconv.Atoi(os.Getenv("WARROOM_HEALTH_BENCH_SECONDS")); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return 10 * time.Second
}

// BenchmarkHTTPProbes runs 500 HTTP probes, each polled once a second (spread evenly over
// the second), against one local server in another process, for benchSeconds after one
// second of warm-up. It reports the CPU time this process used (user+system, getrusage) as
// a share of one core, the CPU per poll, and the peak heap in use. Run it once:
//
//	go test -run '^$' -bench HTTPProbes -benchtime 1x ./sources/health/
//
// "spread" starts the polls evenly over the second (a poll every 2 ms, the worst case for
// waking up); "slotted" starts them in 10 slots a second (50 polls at once), as a scheduler
// that rounds start times to 100 ms would.
func BenchmarkHTTPProbes(b *testing.B) {
	for _, c := range []struct {
		name  string
		fresh bool
		slots int
	}{
		{"keepalive/spread", false, 500},
		{"keepalive/slotted", false, 10},
		{"fresh_connection/spread", true, 500},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				runProbes(b, 500, c.slots, time.Second, benchSeconds(), c.fresh)
			}
		})
	}
}

func runProbes(b *testing.B, n, slots int, interval, measure time.Duration, fresh bool) {
	addr := startBenchServer(b)
	probes := make([]sources.Source, n)
	for i := range probes {
		probes[i] = newProbe(b, config.Health{
			Name:            fmt.Sprintf("backend %d", i),
			URL:             "http://" + addr + "/healthz",
			Expect:          config.HealthExpect{JSON: &config.JSONCheck{Path: "$.db", Equals: "up"}},
			ServedByHeader:  "X-Served-By",
			Latency:         config.DurationLimits{Warn: config.Duration(500 * time.Millisecond), Crit: config.Duration(2 * time.Second)},
			FreshConnection: fresh,
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	var (
		wg            sync.WaitGroup
		polls, failed atomic.Int64
		measuring     atomic.Bool
		errMu         sync.Mutex
		errs          = map[string]int{}
	)
	for i, p := range probes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pollEvery(ctx, p, interval, time.Duration(i%slots)*interval/time.Duration(slots), func(r sources.Result) {
				if measuring.Load() {
					polls.Add(1)
					if r.Status != sources.OK {
						failed.Add(1)
						errMu.Lock()
						errs[r.Status.String()+" "+r.Error+" "+r.Detail]++
						errMu.Unlock()
					}
				}
			})
		}()
	}
	time.Sleep(interval) // wall time (a benchmark): warm-up, every probe has connected once
	runtime.GC()
	b.ResetTimer()
	measuring.Store(true)
	user0, sys0 := cpuTimes()
	start := time.Now()
	peak := samplePeakHeap(ctx, measure)
	user1, sys1 := cpuTimes()
	wall := time.Since(start)
	user, system := user1-user0, sys1-sys0
	cpu := user + system
	measuring.Store(false)
	b.StopTimer()
	cancel()
	wg.Wait()
	if f := failed.Load(); f > 0 {
		// Not a failure of the code under test: on a shared machine a poll can exceed the
		// 500 ms warn limit. Reported, so that a run with many can be discarded.
		b.Logf("%d of %d polls were not ok: %v", f, polls.Load(), errs)
	}
	b.ReportMetric(float64(failed.Load()), "not-ok-polls")
	b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "%core")
	b.ReportMetric(100*system.Seconds()/wall.Seconds(), "%core-sys")
	b.ReportMetric(float64(cpu.Microseconds())/float64(polls.Load()), "µs-cpu/poll")
	b.ReportMetric(float64(polls.Load())/wall.Seconds(), "polls/s")
	b.ReportMetric(float64(peak)/(1<<20), "MiB-heap-peak")
}

// pollEvery polls p every interval after an initial offset until ctx ends; a poll that
// overruns delays the next one rather than overlapping it, as the scheduler does.
func pollEvery(ctx context.Context, p sources.Source, interval, offset time.Duration, done func(sources.Result)) {
	next := time.Now().Add(offset)
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(next)):
		}
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second) // the probe's timeout, as the scheduler sets it
		done(p.Poll(pctx))
		cancel()
		next = next.Add(interval)
	}
}

// samplePeakHeap watches the heap in use for d and returns the most it saw.
func samplePeakHeap(ctx context.Context, d time.Duration) uint64 {
	var peak uint64
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	end := time.After(d)
	for {
		select {
		case <-ctx.Done():
			return peak
		case <-end:
			return peak
		case <-tick.C:
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
		}
	}
}

// BenchmarkHTTPPoll is the cost of one poll of one probe, polled back to back (no idle time
// between polls, so no waking up): the marginal cost the paced benchmark adds to.
func BenchmarkHTTPPoll(b *testing.B) {
	addr := startBenchServer(b)
	p := newProbe(b, config.Health{
		URL:            "http://" + addr + "/healthz",
		Expect:         config.HealthExpect{JSON: &config.JSONCheck{Path: "$.db", Equals: "up"}},
		ServedByHeader: "X-Served-By",
	})
	p.Poll(context.Background())
	b.ReportAllocs()
	b.ResetTimer()
	user0, sys0 := cpuTimes()
	for i := 0; i < b.N; i++ {
		if r := p.Poll(context.Background()); r.Status != sources.OK {
			b.Fatal(r.Error)
		}
	}
	user1, sys1 := cpuTimes()
	b.ReportMetric(float64((user1-user0+sys1-sys0).Microseconds())/float64(b.N), "µs-cpu/poll")
}
