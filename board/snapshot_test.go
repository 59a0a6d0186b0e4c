package board

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// Many ingests ring the doorbell once; the subscriber fetches the newest version.
func TestSubscriptionCoalesces(t *testing.T) {
	b := oneSource(Options{})
	sub := b.Subscribe()
	defer sub.Close()
	select {
	case <-sub.C():
	default:
		t.Fatal("a new subscription should start signalled")
	}
	for s := range 100 {
		b.Ingest("app", ok(float64(s)), t0.Add(sec(s)))
	}
	select {
	case <-sub.C():
	default:
		t.Fatal("no signal after 100 ingests")
	}
	select {
	case <-sub.C():
		t.Fatal("100 ingests left more than one signal")
	default:
	}
	if p, _ := b.Snapshot().Series("app").Last(); p.Value != 99 {
		t.Errorf("the subscriber sees %v, want the newest value 99", p.Value)
	}
	b.Touch()
	if _, open := <-sub.C(); !open {
		t.Error("Touch did not signal")
	}
	sub.Close()
	sub.Close()
	if _, open := <-sub.C(); open {
		t.Error("C still open after Close")
	}
	b.Touch() // must not send on the closed channel
}

// A subscriber that never reads never holds up ingest, events or other subscribers.
func TestSubscriberThatNeverReadsNeverBlocks(t *testing.T) {
	b := oneSource(Options{})
	idle := b.Subscribe()
	defer idle.Close()
	live := b.Subscribe()
	defer live.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for s := range 20000 {
			b.Ingest("app", ok(1), t0.Add(sec(s)))
			if s%100 == 0 {
				b.AddEvent(Event{Text: "tick"})
				b.Touch()
			}
		}
	}()
	seen := 0
	timeout := time.After(30 * time.Second)
	for {
		select {
		case <-live.C():
			seen++
			b.Snapshot()
		case <-done:
			if seen == 0 {
				t.Error("the reading subscriber was never signalled")
			}
			if v := b.Snapshot().Version; v < 20000 {
				t.Errorf("version %d after 20000 ingests", v)
			}
			return
		case <-timeout:
			t.Fatal("ingest blocked on a subscriber that never reads")
		}
	}
}

// frozen is everything a viewer reads from a snapshot, copied out.
type frozen struct {
	Version  uint64
	Sources  []SourceState
	Values   []float64
	Events   []Event
	Buckets  map[string][]Bucket
	Last     map[string]sources.Point
	Quantile map[string][3]float64
}

func freeze(s *Snapshot) frozen {
	f := frozen{Version: s.Version, Sources: append([]SourceState(nil), s.Sources...),
		Events: append([]Event(nil), s.Events...), Buckets: map[string][]Bucket{},
		Last: map[string]sources.Point{}, Quantile: map[string][3]float64{}}
	for _, src := range s.Sources {
		if src.Value != nil {
			f.Values = append(f.Values, *src.Value)
		}
		for _, se := range src.Series {
			v := s.Series(se.Key)
			f.Buckets[se.Key] = v.Buckets(t0.Add(time.Hour), time.Second, 3600)
			f.Buckets[se.Key+" coarse"] = v.Buckets(t0.Add(time.Hour), time.Minute, 60)
			f.Last[se.Key], _ = v.Last()
			m, p, n := v.Quantiles(time.Time{}, time.Time{})
			f.Quantile[se.Key] = [3]float64{m, p, float64(n)}
		}
	}
	return f
}

// A snapshot taken earlier never changes, whatever the board does afterwards: appends, late
// points, revisions, evictions, new series, events past the limit.
func TestSnapshotImmutable(t *testing.T) {
	b := New([]Info{{Name: "app", Interval: time.Second}, {Name: "dd", Kind: "datadog"}},
		Options{FinePoints: 50, CoarseStep: 10 * time.Second, MaxEvents: 20})
	rng := rand.New(rand.NewPCG(1, 2))
	ingest := func(s int) {
		b.Ingest("app", ok(float64(s)), t0.Add(sec(s)))
		from := max(0, s-30+rng.IntN(20))
		r := window(from, s, func(x int) float64 { return float64(x*7%13) + float64(s%3) }) // revises
		r.Series[0].Name = fmt.Sprintf("host-%d", s/200)
		r.Events = []string{fmt.Sprint("poll ", s)}
		b.Ingest("dd", r, t0.Add(sec(s)))
	}
	var shots []*Snapshot
	var want []frozen
	for s := range 1000 {
		ingest(s)
		if s%97 == 0 || s%53 == 1 {
			snap := b.Snapshot()
			shots = append(shots, snap)
			want = append(want, freeze(snap))
		}
	}
	for s := 1000; s < 3000; s++ {
		ingest(s)
		b.Ingest("app", ok(-1), t0.Add(sec(s-rng.IntN(40)))) // late points and revisions
	}
	for i, snap := range shots {
		if got := freeze(snap); !reflect.DeepEqual(got, want[i]) {
			t.Fatalf("snapshot version %d changed after more ingest", want[i].Version)
		}
	}
}

// Concurrent ingest, events and readers of snapshots (run with -race).
func TestConcurrentIngestAndReaders(t *testing.T) {
	infos := make([]Info, 8)
	for i := range infos {
		infos[i] = Info{Name: fmt.Sprint("s", i), Interval: time.Second}
	}
	b := New(infos, Options{FinePoints: 100, CoarseStep: 10 * time.Second})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for s := range 2000 {
				name := infos[(w*2+s)%len(infos)].Name
				b.Ingest(name, window(max(0, s-5), s, func(x int) float64 { return float64(x) }), t0.Add(sec(s)))
				if s%50 == 0 {
					b.Tick(t0.Add(sec(s)))
					b.AddEvent(Event{Text: "x"})
				}
			}
		})
	}
	for range 3 {
		wg.Go(func() {
			sub := b.Subscribe()
			defer sub.Close()
			for range 300 {
				s := b.Snapshot()
				for _, src := range s.Sources {
					v := s.Series(src.Series[0].Key)
					v.Buckets(t0.Add(sec(2000)), 10*time.Second, 200)
					v.Quantiles(time.Time{}, time.Time{})
					v.Last()
				}
				_ = len(s.Events)
			}
		})
	}
	wg.Wait()
	for _, src := range b.Snapshot().Sources {
		if p, ok := b.Snapshot().Series(src.Name).Last(); !ok || p.Value < 1990 {
			t.Errorf("%s: last %v %v, want a value near 1999", src.Name, p, ok)
		}
	}
}
