package health

import (
	"context"
	"testing"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// BenchmarkLeanPoll is one poll of one keep-alive probe, back to back, on the lean path and
// on net/http's, against the out-of-process loopback server of BenchmarkHTTPPoll, under one
// long-lived cancelable context, as the scheduler gives a SelfTimed source:
//
//	go test -run '^$' -bench LeanPoll -benchtime 5000x -count 3 ./sources/health/
func BenchmarkLeanPoll(b *testing.B) {
	addr := startBenchServer(b)
	for _, lean := range []bool{true, false} {
		name := map[bool]string{true: "lean", false: "net-http"}[lean]
		b.Run(name, func(b *testing.B) {
			p := newProbe(b, config.Health{
				URL:            "http://" + addr + "/healthz",
				Expect:         config.HealthExpect{JSON: &config.JSONCheck{Path: "$.db", Equals: "up"}},
				ServedByHeader: "X-Served-By",
			})
			if !lean {
				p.(*httpProbe).lean = nil
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			p.Poll(ctx)
			b.ReportAllocs()
			b.ResetTimer()
			user0, sys0 := cpuTimes()
			for i := 0; i < b.N; i++ {
				if r := p.Poll(ctx); r.Status != sources.OK {
					b.Fatal(r.Error)
				}
			}
			user1, sys1 := cpuTimes()
			b.ReportMetric(float64((user1-user0+sys1-sys0).Microseconds())/float64(b.N), "µs-cpu/poll")
		})
	}
}
