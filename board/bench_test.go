package board

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

func infosN(n int) []Info {
	infos := make([]Info, n)
	for i := range infos {
		infos[i] = Info{Name: fmt.Sprintf("src-%03d", i), Kind: "demo", Unit: "ms", Interval: time.Second}
	}
	return infos
}

// heapMB is the live heap after a full collection, in MB.
func heapMB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / 1e6
}

// BenchmarkIngest24h ingests 100 series × 1 sample/s for a simulated 24 hours (8.64 million
// ingests), with a viewer taking one snapshot per simulated second, and reports the live
// heap after 1 h, 6 h and 24 h. Run it once: -benchtime=1x.
func BenchmarkIngest24h(b *testing.B) { benchIngest(b, 24, []int{1, 6, 24}) }

// BenchmarkIngest72h runs the same for 72 hours, past the coarse retention (48 h), where the
// heap stops growing.
func BenchmarkIngest72h(b *testing.B) { benchIngest(b, 72, []int{24, 48, 50, 60, 72}) }

func benchIngest(b *testing.B, hours int, report []int) {
	infos := infosN(100)
	for range b.N {
		base := heapMB()
		bd := New(infos, Options{})
		var snap *Snapshot
		start := time.Now()
		for s := range hours * 3600 {
			at := t0.Add(sec(s))
			for i, in := range infos {
				v := 100 + 50*math.Sin(float64(s+i)/300)
				bd.Ingest(in.Name, sources.Result{Status: sources.OK, Value: &v}, at)
			}
			bd.Tick(at)
			snap = bd.Snapshot()
			if (s+1)%3600 == 0 && slices.Contains(report, (s+1)/3600) {
				b.ReportMetric(heapMB()-base, fmt.Sprintf("MB-heap-%02dh", (s+1)/3600))
			}
		}
		b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(hours*3600*100), "ns/ingest")
		runtime.KeepAlive(snap)
		runtime.KeepAlive(bd)
	}
}

// filled returns a board of 40 sources with 7200 points each (two hours at 1 s).
func filled() (*Board, []string) {
	infos := infosN(40)
	bd := New(infos, Options{})
	names := make([]string, len(infos))
	for i, in := range infos {
		names[i] = in.Name
	}
	for s := range 7200 {
		for _, name := range names {
			bd.Ingest(name, ok(float64(s%97)), t0.Add(sec(s)))
		}
	}
	return bd, names
}

// BenchmarkSnapshotAfterChange: one source got a new point, then a viewer asks for the
// snapshot (40 series of 7200 points).
func BenchmarkSnapshotAfterChange(b *testing.B) {
	bd, names := filled()
	bd.Snapshot()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		bd.Ingest(names[i%len(names)], ok(1), t0.Add(sec(7200+i)))
		bd.Snapshot()
	}
}

// BenchmarkSnapshotAllChanged: every one of the 40 sources got a point since the last
// snapshot (one second of polling), then one snapshot.
func BenchmarkSnapshotAllChanged(b *testing.B) {
	bd, names := filled()
	bd.Snapshot()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		for _, name := range names {
			bd.Ingest(name, ok(1), t0.Add(sec(7200+i)))
		}
		b.StartTimer()
		bd.Snapshot()
	}
}

// BenchmarkIngest: one poll of one source, no viewer.
func BenchmarkIngest(b *testing.B) {
	bd, names := filled()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		bd.Ingest(names[i%len(names)], ok(1), t0.Add(sec(7200+i)))
	}
}

// BenchmarkBuckets200: a 200-column chart over the 7200 points of two hours.
func BenchmarkBuckets200(b *testing.B) {
	bd, names := filled()
	v := bd.Snapshot().Series(names[0])
	end := t0.Add(sec(7200))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		v.Buckets(end, 36*time.Second, 200)
	}
}

// BenchmarkQuantiles: median and p95 over the 7200 points of two hours.
func BenchmarkQuantiles(b *testing.B) {
	bd, names := filled()
	v := bd.Snapshot().Series(names[0])
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		v.Quantiles(t0, t0.Add(sec(7200)))
	}
}
