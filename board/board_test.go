package board

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

func TestStaleTransitionAndEvents(t *testing.T) {
	clk := &clock{t: t0}
	b := New([]Info{{Name: "cloud-writer", Kind: "mysql", Interval: 5 * time.Second}}, Options{Now: clk.Now})
	b.Ingest("cloud-writer", ok(0.4), t0)
	v := b.Snapshot().Version
	b.Tick(t0.Add(sec(10))) // exactly 2× the interval: not yet
	if s := b.Snapshot(); s.Version != v || s.Sources[0].Stale {
		t.Fatalf("at 2× the interval: version %d → %d, stale %v; want no change", v, s.Version, s.Sources[0].Stale)
	}
	// A poll that got no answer is not a success; an answer, even a bad one, would be.
	b.Ingest("cloud-writer", sources.Result{Status: sources.Unknown, Failed: true, Error: "connection refused"}, t0.Add(sec(5)))
	b.Tick(t0.Add(sec(12)))
	s := b.Snapshot()
	st, _ := s.Source("cloud-writer")
	if !st.Stale || st.Effective() != sources.Unknown || s.Status != sources.Unknown {
		t.Fatalf("after 12 s without success: stale %v, effective %v, board %v; want stale, unknown, unknown",
			st.Stale, st.Effective(), s.Status)
	}
	last := s.Events[len(s.Events)-1]
	if want := "cloud-writer: stale, no successful poll for 12s: connection refused"; last.Text != want ||
		last.Kind != "stale" || last.Status != sources.Unknown || !last.Time.Equal(t0.Add(sec(12))) {
		t.Errorf("stale event = %+v, want %q at t0+12s", last, want)
	}
	// Stale never hides a crit: a source last seen down stays crit.
	b.Ingest("cloud-writer", sources.Result{Status: sources.Crit, Failed: true, Error: "connection refused"}, t0.Add(sec(12)))
	if st, _ := b.Snapshot().Source("cloud-writer"); !st.Stale || st.Effective() != sources.Crit {
		t.Fatalf("a stale source that fails crit: stale %v, effective %v; want stale and crit", st.Stale, st.Effective())
	}
	s = b.Snapshot()
	v = s.Version
	b.Tick(t0.Add(sec(13))) // still stale: nothing new
	if b.Snapshot().Version != v {
		t.Errorf("a tick that changes nothing published a version")
	}
	b.Ingest("cloud-writer", ok(0.2), t0.Add(sec(14)))
	s = b.Snapshot()
	st, _ = s.Source("cloud-writer")
	got := texts(s.Events)
	if st.Stale || !slices.Contains(got, "cloud-writer: fresh again after 14s") {
		t.Errorf("after a success: stale %v, events %q; want fresh with a fresh event", st.Stale, got)
	}
}

// A source that never answers goes stale counted from the board's start.
func TestStaleNeverAnswered(t *testing.T) {
	clk := &clock{t: t0}
	b := New([]Info{{Name: "dns", Kind: "dns", Interval: time.Second}, {Name: "lazy", Kind: "demo"}}, Options{Now: clk.Now})
	b.Tick(t0.Add(sec(3)))
	s := b.Snapshot()
	if !s.Sources[0].Stale || s.Sources[1].Stale {
		t.Errorf("stale = %v, %v; want the silent source stale, the one without interval never", s.Sources[0].Stale, s.Sources[1].Stale)
	}
	if got := texts(s.Events); !reflect.DeepEqual(got, []string{"dns: stale, no answer for 3s"}) {
		t.Errorf("events = %q", got)
	}
}

func TestStatusEvents(t *testing.T) {
	b := New([]Info{{Name: "market (new)", Kind: "health", Interval: time.Second}, {Name: "old-primary", Kind: "mysql"}}, Options{})
	b.Ingest("market (new)", sources.Result{Status: sources.OK, Detail: "200 OK"}, t0)
	b.Ingest("old-primary", sources.Result{Status: sources.Crit, Detail: "writable"}, t0)
	b.Ingest("market (new)", sources.Result{Status: sources.OK}, t0.Add(sec(1)))
	b.Ingest("market (new)", sources.Result{Status: sources.Crit, Error: "status 503, expected 200", Detail: "503"}, t0.Add(sec(2)))
	b.Ingest("old-primary", sources.Result{Status: sources.Crit, Events: []string{"stray write 0-11-4521 on a node expected read-only"}}, t0.Add(sec(3)))
	b.Ingest("market (new)", sources.Result{Status: sources.OK, Detail: "200 OK 35ms"}, t0.Add(sec(4)))
	b.Ingest("nobody", sources.Result{Status: sources.Crit}, t0)
	s := b.Snapshot()
	want := []string{
		"old-primary: unknown → crit: writable",
		"market (new): ok → crit: status 503, expected 200",
		"old-primary: stray write 0-11-4521 on a node expected read-only",
		"market (new): crit → ok: 200 OK 35ms",
	}
	if got := texts(s.Events); !reflect.DeepEqual(got, want) {
		t.Fatalf("events:\n%q\nwant\n%q", got, want)
	}
	if e := s.Events[2]; e.Kind != "source" || e.Status != sources.Crit || e.Source != "old-primary" {
		t.Errorf("source event = %+v, want kind source, crit, old-primary", e)
	}
	if e := s.Events[1]; e.Kind != "status" || e.Status != sources.Crit || !e.Time.Equal(t0.Add(sec(2))) {
		t.Errorf("status event = %+v", e)
	}
	if s.Status != sources.Crit {
		t.Errorf("board status %v, want crit (old-primary)", s.Status)
	}
}

func TestBoardStatusIsWorst(t *testing.T) {
	if st := New(nil, Options{}).Snapshot().Status; st != sources.OK {
		t.Errorf("empty board: %v, want ok", st)
	}
	b := New([]Info{{Name: "a"}, {Name: "b"}, {Name: "c"}}, Options{})
	if st := b.Snapshot().Status; st != sources.Unknown {
		t.Errorf("never polled: %v, want unknown", st)
	}
	for _, c := range []struct {
		a, b, c, want sources.Status
	}{
		{sources.OK, sources.OK, sources.OK, sources.OK},
		{sources.OK, sources.Unknown, sources.OK, sources.Unknown},
		{sources.Warn, sources.Unknown, sources.OK, sources.Warn},
		{sources.Warn, sources.Crit, sources.Unknown, sources.Crit},
	} {
		b.Ingest("a", sources.Result{Status: c.a}, t0)
		b.Ingest("b", sources.Result{Status: c.b}, t0)
		b.Ingest("c", sources.Result{Status: c.c}, t0)
		if st := b.Snapshot().Status; st != c.want {
			t.Errorf("%v %v %v → %v, want %v", c.a, c.b, c.c, st, c.want)
		}
	}
}

// Named series follow the main one in first-seen order, each with its key and points.
func TestSeriesKeysAndOrder(t *testing.T) {
	b := New([]Info{{Name: "p95", Kind: "datadog", Unit: "ms"}}, Options{MaxSeries: 3})
	host := func(name string, v float64) sources.SeriesResult {
		return sources.SeriesResult{Name: name, Value: sources.Float(v), Status: sources.OK}
	}
	b.Ingest("p95", sources.Result{Status: sources.Warn, Value: sources.Float(9),
		Series: []sources.SeriesResult{host("web-2", 2), host("web-1", 1)}}, t0)
	b.Ingest("p95", sources.Result{Status: sources.OK,
		Series: []sources.SeriesResult{host("web-1", 3), host("web-3", 5), host("", 4)}}, t0.Add(sec(1)))
	s := b.Snapshot()
	st, _ := s.Source("p95")
	var keys []string
	for _, se := range st.Series {
		keys = append(keys, se.Key)
	}
	if want := []string{"p95", "p95/web-2", "p95/web-1"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("keys %q, want %q (web-3 over the limit of 3)", keys, want)
	}
	if st.Series[0].Unit != "ms" || *st.Series[0].Value != 4 || *st.Series[2].Value != 3 {
		t.Errorf("series states %+v", st.Series)
	}
	if p, ok := s.Series("p95/web-1").Last(); !ok || p.Value != 3 {
		t.Errorf("web-1 last = %v %v, want 3", p, ok)
	}
	if s.Series("p95/web-3") != nil || s.Series("nope") != nil {
		t.Errorf("unknown series should be nil")
	}
	if got := texts(s.Events); !slices.Contains(got, "p95: more than 3 series; new ones are not shown") {
		t.Errorf("events %q, want the series limit logged", got)
	}
}

func TestEventLogBounded(t *testing.T) {
	b := New(nil, Options{MaxEvents: 5})
	for i := range 23 {
		b.AddEvent(Event{Time: t0.Add(sec(i)), Kind: "checkpoint", Text: fmt.Sprint(i)})
	}
	if got := texts(b.Snapshot().Events); !reflect.DeepEqual(got, []string{"18", "19", "20", "21", "22"}) {
		t.Errorf("events %q, want the newest 5, oldest first", got)
	}
	b.AddEvent(Event{Text: strings.Repeat("é", 1000)})
	e := b.Snapshot().Events[4]
	if len(e.Text) > maxEventText || !strings.HasSuffix(e.Text, "é…") || e.Time.IsZero() {
		t.Errorf("long event: %d bytes, time %v; want clipped at a rune with …, and stamped now", len(e.Text), e.Time)
	}
}

// The board row shows the last poll; the last success stays until the next success.
func TestSourceStateFields(t *testing.T) {
	b := New([]Info{{Name: "market (old)", Kind: "health", Interval: time.Second}}, Options{})
	facts := map[string]any{"code": 200}
	b.Ingest("market (old)", sources.Result{Status: sources.OK, Value: sources.Float(0.088), Unit: "s",
		Detail: "200 OK", Facts: facts}, t0)
	long := strings.Repeat("x", 5000)
	events := make([]string, 25)
	for i := range events {
		events[i] = fmt.Sprint("backend flip ", i)
	}
	b.Ingest("market (old)", sources.Result{Status: sources.Crit, Failed: true, Error: long, Events: events}, t0.Add(sec(1)))
	st, ok := b.Snapshot().Source("market (old)")
	if !ok {
		t.Fatal("source missing")
	}
	if st.Polls != 2 || !st.LastPoll.Equal(t0.Add(sec(1))) || !st.LastSuccess.Equal(t0) || st.Value != nil ||
		st.Detail != "" || st.Facts != nil || st.Unit != "s" || st.Status != sources.Crit {
		t.Errorf("state after a failed poll = %+v", st)
	}
	if len(st.Error) > maxError || !strings.HasSuffix(st.Error, "…") {
		t.Errorf("error of %d bytes kept, want it clipped to %d", len(st.Error), maxError)
	}
	got := texts(b.Snapshot().Events)
	if len(got) != 1+maxEventsPoll+1 || got[len(got)-1] != "market (old): 5 more events not shown" {
		t.Errorf("events = %q, want the status change, %d events and a count of the rest", got, maxEventsPoll)
	}
	if _, ok := b.Snapshot().Source("nope"); ok {
		t.Error("unknown source found")
	}
}

// A bad answer (a stray write, a 503) is an answer: the source is fresh and crit, never
// stale, so the one thing that must not be missed is never greyed out.
func TestBadAnswerIsFreshNotStale(t *testing.T) {
	b := New([]Info{{Name: "old-primary", Kind: "mysql", Interval: time.Second}}, Options{})
	for k := 0; k <= 10; k++ {
		b.Ingest("old-primary", sources.Result{Status: sources.Crit, Error: "stray write 0-11-4521"}, t0.Add(sec(k)))
	}
	b.Tick(t0.Add(sec(11)))
	st, _ := b.Snapshot().Source("old-primary")
	if st.Stale || st.Effective() != sources.Crit || !st.LastSuccess.Equal(t0.Add(sec(10))) {
		t.Fatalf("stale %v effective %v last success %v; want fresh crit answered at t0+10s", st.Stale, st.Effective(), st.LastSuccess)
	}
}
