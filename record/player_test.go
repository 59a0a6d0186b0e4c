package record

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
)

// fixture writes a five-minute recording: "api" answers every second, ok except crit from
// 100 s to 150 s; freeze runs from 10 s to 30 s; switch (gated on api ok for 10 s) starts at
// 160 s and is done at 200 s.
func fixture(t testing.TB) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "f.rec")
	h := Header{Title: "fixture", Started: t0, Sources: []Source{{Name: "api", Kind: "health", Group: "health", Unit: "ms", Interval: 1000}},
		Runsheet: Plan{Checkpoints: []Checkpoint{
			{ID: "freeze", Title: "Freeze", Planned: 20000},
			{ID: "switch", Title: "Switch", Planned: 30000, Gate: `health["api"].status == "ok"`, Hold: 10000, Cutover: true},
		}}}
	w, err := Create(path, h, Options{Now: func() time.Time { return t0.Add(300 * time.Second) }})
	if err != nil {
		t.Fatal(err)
	}
	tr := func(sec int, seq int64, id string, a runsheet.Action) {
		x := runsheet.Transition{Seq: seq, Checkpoint: id, Action: a, At: t0.Add(time.Duration(sec) * time.Second), By: "dana"}
		w.Transition(x)
		w.Added(board.Event{Time: x.At, Kind: "checkpoint", Source: id, Text: runsheet.EventText(x)})
	}
	for s := 0; s <= 300; s++ {
		st, v := sources.OK, 100.0+float64(s)
		if s >= 100 && s < 150 {
			st, v = sources.Crit, 3000
		}
		w.Ingested("api", sources.Result{Status: st, Value: sources.Float(v), Facts: map[string]any{"status": st.String()}},
			t0.Add(time.Duration(s)*time.Second+300*time.Millisecond))
		switch s {
		case 10:
			tr(s, 1, "freeze", runsheet.Start)
		case 30:
			tr(s, 2, "freeze", runsheet.Finish)
		case 160:
			tr(s, 3, "switch", runsheet.Start)
		case 200:
			tr(s, 4, "switch", runsheet.Finish)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// state is what a seek must get right at a second: checkpoint states, the gate, the source.
func state(p *Player) string {
	v := p.View()
	snap := p.Board().Snapshot()
	api, _ := snap.Source("api")
	s := fmt.Sprintf("api=%s/%v", api.Status, *api.Value)
	for _, c := range v.Checkpoints {
		s += fmt.Sprintf(" %s=%s", c.ID, c.State)
		if c.Gate.Expr != "" && c.Gate.Light == runsheet.Amber {
			s += fmt.Sprintf("[%s %s]", c.Gate.Light, c.Gate.Held.Round(time.Second))
		} else if c.Gate.Expr != "" {
			s += fmt.Sprintf("[%s]", c.Gate.Light)
		}
	}
	last, _ := snap.Series("api").Last()
	return s + fmt.Sprintf(" events=%d last=%s", len(snap.Events), last.Time.Sub(t0).Round(time.Second))
}

func TestReplaySeeks(t *testing.T) {
	t.Run("from the start", func(t *testing.T) { testSeeks(t, -1) })
	// Checkpoints every 20 s: a backward seek starts from the last one at least the
	// window (10 s hold + 2 s + 1 min) before the target, and lands on the same state.
	t.Run("from checkpoints", func(t *testing.T) { testSeeks(t, 20*time.Second) })
}

func testSeeks(t *testing.T, every time.Duration) {
	data := fixture(t)
	p, err := NewPlayer(data, PlayerOptions{CheckpointEvery: every})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if !p.First.Equal(t0) || !p.Last.Equal(t0.Add(300300*time.Millisecond)) {
		t.Fatalf("span %s … %s", p.First, p.Last)
	}
	<-p.built
	if every > 0 && len(p.checkpoints) < 10 {
		t.Fatalf("%d checkpoints", len(p.checkpoints))
	}
	at := func(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }
	// A result comes 0.3 s after each whole second, so at second n the newest is n-1's.
	want := map[float64]string{
		20:  "api=ok/119 freeze=running switch=pending[green] events=1 last=19s",
		120: "api=crit/3000 freeze=done switch=pending[red] events=3 last=1m59s",
		155: "api=ok/254 freeze=done switch=pending[amber 4s] events=4 last=2m34s",
		165: "api=ok/264 freeze=done switch=running[green] events=5 last=2m44s",
		250: "api=ok/349 freeze=done switch=done[green] events=6 last=4m9s",
		290: "api=ok/389 freeze=done switch=done[green] events=6 last=4m49s",
		200: "api=ok/299 freeze=done switch=done[green] events=6 last=3m19s",
	}
	// Forward, then back (a rebuild), then forward again: each lands on the same state as
	// a fresh player sent straight there.
	for _, sec := range []float64{120, 250, 20, 155, 165, 120, 290, 200, 155} {
		p.SeekBoard(at(sec))
		got := state(p)
		fresh, _ := NewPlayer(data, PlayerOptions{CheckpointEvery: -1})
		fresh.SeekBoard(at(sec))
		if f := state(fresh); f != got {
			t.Errorf("at %vs: after seeking %q, fresh %q", sec, got, f)
		}
		fresh.Close()
		if got != want[sec] {
			t.Errorf("at %vs:\n got %s\nwant %s", sec, got, want[sec])
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestClock(t *testing.T) {
	wall := t0
	c := NewClock(t0, t0.Add(time.Hour), func() time.Time { return wall })
	wall = wall.Add(10 * time.Second)
	if got := c.Now().Sub(t0); got != 10*time.Second {
		t.Fatalf("×1 after 10 s: %s", got)
	}
	c.Faster()
	c.Faster() // ×5
	wall = wall.Add(10 * time.Second)
	if got := c.Now().Sub(t0); got != 60*time.Second {
		t.Fatalf("×5: %s", got)
	}
	c.Toggle()
	wall = wall.Add(time.Hour)
	if got := c.Now().Sub(t0); got != 60*time.Second {
		t.Fatalf("paused: %s", got)
	}
	c.Seek(-2 * time.Minute)
	if !c.Now().Equal(t0) {
		t.Fatalf("seek before the start: %s", c.Now())
	}
	for range 10 {
		c.Faster()
	}
	c.Toggle()
	wall = wall.Add(2 * time.Hour)
	now, _, _, speed, paused := c.State()
	if !now.Equal(t0.Add(time.Hour)) || speed != 60 || !paused {
		t.Fatalf("at the end: %s ×%d paused %v", now, speed, paused)
	}
}

// TestLargeRecording measures a 4.5-hour cutover with 100 series at 1 s: bytes per sample,
// the CPU time of writing it, and seek times. It is a measurement, not a timed assertion:
// run it with WARROOM_MEASURE=1 go test ./record -run TestLargeRecording -v
func TestLargeRecording(t *testing.T) {
	if os.Getenv("WARROOM_MEASURE") == "" {
		t.Skip("set WARROOM_MEASURE=1 to measure")
	}
	nsrc, secs := 100, 4*3600+1800
	if s := os.Getenv("WARROOM_MEASURE_SECS"); s != "" {
		secs, _ = strconv.Atoi(s)
	}
	h := Header{Title: "large", Started: t0}
	for i := range nsrc {
		h.Sources = append(h.Sources, Source{Name: fmt.Sprintf("s%03d", i), Kind: "health", Group: "health", Unit: "ms", Interval: 1000})
	}
	h.Runsheet.Checkpoints = []Checkpoint{{ID: "a", Title: "A", Gate: `health["s000"].status == "ok"`, Hold: 30000}}
	path := filepath.Join(t.TempDir(), "large.rec")
	w, err := Create(path, h, Options{Flush: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	cpu0 := cpuTime()
	seed := uint64(1)
	for s := 0; s < secs; s++ {
		at := t0.Add(time.Duration(s) * time.Second)
		for i := range nsrc {
			seed = seed*6364136223846793005 + 1442695040888963407
			v := 80 + 40*float64(seed>>11)/float64(1<<53) // a latency in ms at full float64 precision
			w.Ingested(h.Sources[i].Name, sources.Result{Status: sources.OK, Value: sources.Float(v), Detail: "200 · backend-1",
				Facts: map[string]any{"status_code": 200, "latency_ms": v, "served_by": "backend-1"}}, at)
		}
		if s%1 == 0 {
			_ = w.flush(false) // one frame a second, as live
		}
	}
	w.Close()
	cpu := cpuTime() - cpu0
	fi, _ := os.Stat(path)
	t.Logf("recording: %d bytes for %d samples = %.1f bytes/sample; write CPU %s (%.1f µs/sample, %.2f %% of one core at 100 samples/s)",
		fi.Size(), nsrc*secs, float64(fi.Size())/float64(nsrc*secs), cpu.Round(time.Millisecond),
		float64(cpu.Microseconds())/float64(nsrc*secs), float64(cpu)/float64(time.Duration(secs)*time.Second)*100)
	data, _ := os.ReadFile(path)
	start := time.Now()
	p, err := NewPlayer(data, PlayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	t.Logf("open: %s", time.Since(start).Round(time.Millisecond))
	<-p.built
	t.Logf("checkpoints built in the background: %s (%d)", time.Since(start).Round(time.Millisecond), len(p.checkpoints))
	for _, sec := range []int{secs - 1, secs / 2, 60, secs - 600} {
		start = time.Now()
		p.SeekBoard(t0.Add(time.Duration(sec) * time.Second))
		t.Logf("seek to %s: %s", time.Duration(sec)*time.Second, time.Since(start).Round(time.Millisecond))
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("heap in use %d MB", ms.HeapInuse>>20)
}
