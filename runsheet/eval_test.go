package runsheet

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// gateWorld is a real board with the gate tests' sources, a sheet with gated checkpoints,
// and the clock both run on.
type gateWorld struct {
	t   *testing.T
	clk *fakeClock
	b   *board.Board
	s   *Sheet
}

func newGateWorld(t *testing.T) *gateWorld {
	clk := newClock()
	infos := []board.Info{
		{Name: "old-primary", Kind: "mysql", Group: "db", Interval: 5 * time.Second},
		{Name: "cloud-writer", Kind: "mysql", Group: "db", Interval: 5 * time.Second},
		{Name: "market.example A", Kind: "dns", Group: "health", Interval: 5 * time.Second},
		{Name: "checkout errors", Kind: "datadog", Group: "metric", Interval: 30 * time.Second},
	}
	b := board.New(infos, board.Options{Now: clk.Now})
	names := NamesFromInfos(infos, testKinds)
	rs := config.Runsheet{Journal: journalPath(t), Checkpoints: []config.Checkpoint{
		{ID: "freeze", Title: "Freeze", Gate: `db["old-primary"].read_only && !db["old-primary"].stray_writes`},
		{ID: "catch-up", Title: "Caught up", Hold: config.Duration(30 * time.Second),
			Gate: `db["cloud-writer"].lag_s != nil && db["cloud-writer"].lag_s < 1`},
		{ID: "dns", Title: "DNS", Gate: `health["market.example A"].matched && checkpoint["freeze"].state == "done"`},
		{ID: "smoke", Title: "Smoke", Gate: `metric["checkout errors"].value < 5 && metric["checkout errors"].rate_limit_remaining > 10`},
		{ID: "plain", Title: "Plain", Gate: `db["cloud-writer"].lag_s < 1`},
	}}
	s := open(t, rs, Options{Now: clk.Now, Board: b, Names: &names})
	return &gateWorld{t: t, clk: clk, b: b, s: s}
}

// db reports a database poll with the given facts.
func (w *gateWorld) db(name string, st sources.Status, facts map[string]any) {
	var v *float64
	if lag, ok := facts["lag_s"].(float64); ok {
		v = sources.Float(lag)
	}
	w.b.Ingest(name, sources.Result{Status: st, Value: v, Unit: "s", Facts: facts}, w.clk.Now())
}

// eval evaluates the gates on the board's latest snapshot and returns checkpoint id's gate.
func (w *gateWorld) eval(id string) Gate {
	w.s.Evaluate(w.b.Snapshot())
	return cp(w.s.View(), id).Gate
}

func (w *gateWorld) want(id string, light Light, failing string) {
	w.t.Helper()
	g := w.eval(id)
	if g.Light != light || g.Failing != failing {
		w.t.Fatalf("%s: gate %s %q, want %s %q", id, g.Light, g.Failing, light, failing)
	}
}

// TestGateLights: a gate is red with the failing part and its values, grey while a source
// it reads is unknown, stale or null, amber while it holds for less than hold, then green;
// any break resets the hold.
func TestGateLights(t *testing.T) {
	w := newGateWorld(t)
	w.want("catch-up", Grey, `db["cloud-writer"] has no data yet`)
	w.db("cloud-writer", sources.OK, map[string]any{"lag_s": 4.2, "role": "replica"})
	w.want("catch-up", Red, `db["cloud-writer"].lag_s < 1 (lag_s = 4.2)`)
	w.db("cloud-writer", sources.Warn, map[string]any{"lag_s": nil})
	w.want("catch-up", Red, `db["cloud-writer"].lag_s != nil (lag_s = null)`)
	w.want("plain", Grey, `db["cloud-writer"].lag_s is null`)
	w.db("cloud-writer", sources.Unknown, map[string]any{})
	w.want("catch-up", Grey, `db["cloud-writer"] is unknown`)

	w.db("cloud-writer", sources.OK, map[string]any{"lag_s": 0.4})
	w.want("catch-up", Amber, "")
	w.clk.Advance(12 * time.Second)
	w.db("cloud-writer", sources.OK, map[string]any{"lag_s": 0.2})
	if g := w.eval("catch-up"); g.Light != Amber || g.Held != 12*time.Second || g.Hold != 30*time.Second {
		t.Fatalf("holding: %+v", g)
	}
	w.clk.Advance(18 * time.Second) // no new poll: the view still counts the hold
	if g := cp(w.s.View(), "catch-up").Gate; g.Light != Green || g.Held != 30*time.Second {
		t.Fatalf("held: %+v", g)
	}
	w.db("cloud-writer", sources.OK, map[string]any{"lag_s": 1.5})
	w.want("catch-up", Red, `db["cloud-writer"].lag_s < 1 (lag_s = 1.5)`)
	w.db("cloud-writer", sources.OK, map[string]any{"lag_s": 0.5})
	if g := w.eval("catch-up"); g.Light != Amber || g.Held != 0 {
		t.Fatalf("a break must reset the hold: %+v", g)
	}

	w.clk.Advance(11 * time.Second) // more than twice the 5 s interval without a success
	w.b.Tick(w.clk.Now())
	w.want("catch-up", Grey, `db["cloud-writer"] is stale (no answer since `+clock(w.clk.Now().Add(-11*time.Second))+")")
}

// TestHoldIsExact: a gate with hold: 30s is amber and refuses done a nanosecond before 30 s
// of unbroken passes, and is green and admits done at 30 s, with or without a poll between
// (the clock is injected: the hold is measured on it, never on the wall clock).
func TestHoldIsExact(t *testing.T) {
	w := newGateWorld(t)
	ctx := context.Background()
	do(t, w.s, "freeze", Skip, "not this test")
	do(t, w.s, "catch-up", Start)
	w.db("cloud-writer", sources.OK, map[string]any{"lag_s": 0.4})
	w.want("catch-up", Amber, "") // passes from here
	w.clk.Advance(10 * time.Second)
	w.db("cloud-writer", sources.OK, map[string]any{"lag_s": 0.3}) // a poll during the hold
	w.eval("catch-up")
	w.clk.Advance(20*time.Second - time.Nanosecond)
	if g := cp(w.s.View(), "catch-up").Gate; g.Light != Amber || g.Held != 30*time.Second-time.Nanosecond {
		t.Fatalf("a nanosecond before the hold: %s held %s, want amber, 29.999999999s", g.Light, g.Held)
	}
	if err := w.s.Check(Transition{Checkpoint: "catch-up", Action: Finish, By: "sam"}); err == nil || !strings.Contains(err.Error(), "gate holding") {
		t.Fatalf("done a nanosecond before the hold: %v, want refused as holding", err)
	}
	w.clk.Advance(time.Nanosecond)
	if g := cp(w.s.View(), "catch-up").Gate; g.Light != Green || g.Held != 30*time.Second {
		t.Fatalf("at the hold: %s held %s, want green, 30s", g.Light, g.Held)
	}
	tr, err := w.s.Commit(ctx, Transition{Checkpoint: "catch-up", Action: Finish, By: "sam"})
	if err != nil || tr.Gate != "held" || tr.Override {
		t.Fatalf("done at the hold: %+v %v, want admitted as held", tr, err)
	}
}

// TestGateFailingPartNamesValues: the failing conjunct is the one reported, with the values
// it read; a gate over checkpoint states follows transitions without a new snapshot.
func TestGateFailingPartNamesValues(t *testing.T) {
	w := newGateWorld(t)
	w.db("old-primary", sources.OK, map[string]any{"read_only": false, "stray_writes": false})
	w.want("freeze", Red, `db["old-primary"].read_only (read_only = false)`)
	w.db("old-primary", sources.Crit, map[string]any{"read_only": true, "stray_writes": true})
	w.want("freeze", Red, `!db["old-primary"].stray_writes (stray_writes = true)`)
	w.db("old-primary", sources.OK, map[string]any{"read_only": true, "stray_writes": false})
	w.want("freeze", Green, "")

	w.b.Ingest("market.example A", sources.Result{Status: sources.OK, Value: sources.Float(3),
		Facts: map[string]any{"answers": []string{"203.0.113.10"}, "ttl_s": 60, "matched": true}}, w.clk.Now())
	w.want("dns", Red, `checkpoint["freeze"].state == "done" (checkpoint["freeze"].state = "pending")`)
	do(t, w.s, "freeze", Start)
	do(t, w.s, "freeze", Finish)
	if g := cp(w.s.View(), "dns").Gate; g.Light != Green {
		t.Fatalf("dns after freeze done: %+v", g)
	}

	remaining := 3
	w.b.Ingest("checkout errors", sources.Result{Status: sources.OK, Value: sources.Float(2),
		Facts: map[string]any{"rate_limit_remaining": &remaining, "points": 120}}, w.clk.Now())
	w.want("smoke", Red, `metric["checkout errors"].rate_limit_remaining > 10 (rate_limit_remaining = 3)`)
}

// TestDoneRefusedByGate: done is refused while the gate is not green, with the reason; a
// forced done with a reason is journaled as an override and shown from then on.
func TestDoneRefusedByGate(t *testing.T) {
	w := newGateWorld(t)
	ctx := context.Background()
	do(t, w.s, "freeze", Start)
	w.s.Evaluate(w.b.Snapshot())
	if got := refused(t, w.s, Transition{Checkpoint: "freeze", Action: Finish}); got != `gate unknown: db["old-primary"] has no data yet (override with a reason to mark it done anyway)` {
		t.Fatalf("grey: %q", got)
	}
	w.db("old-primary", sources.OK, map[string]any{"read_only": true, "stray_writes": false})
	w.s.Evaluate(w.b.Snapshot())
	tr, err := w.s.Commit(ctx, Transition{Checkpoint: "freeze", Action: Finish, By: "dana"})
	if err != nil || tr.Gate != "held" || tr.Override {
		t.Fatalf("green done: %+v %v", tr, err)
	}
	do(t, w.s, "catch-up", Start)
	w.db("cloud-writer", sources.OK, map[string]any{"lag_s": 4.2})
	w.s.Evaluate(w.b.Snapshot())
	if got := refused(t, w.s, Transition{Checkpoint: "catch-up", Action: Finish}); !strings.HasPrefix(got, `gate fails: db["cloud-writer"].lag_s < 1 (lag_s = 4.2)`) {
		t.Fatalf("red: %q", got)
	}
	w.db("cloud-writer", sources.OK, map[string]any{"lag_s": 0.1})
	w.s.Evaluate(w.b.Snapshot())
	w.clk.Advance(12 * time.Second)
	if got := refused(t, w.s, Transition{Checkpoint: "catch-up", Action: Finish}); !strings.HasPrefix(got, "gate holding: held 12s of 30s") {
		t.Fatalf("amber: %q", got)
	}
	tr, err = w.s.Commit(ctx, Transition{Checkpoint: "catch-up", Action: Finish, By: "sam", Force: true, Reason: "lag is heartbeat noise"})
	if err != nil || !tr.Override || tr.Gate != "gate holding: held 12s of 30s" {
		t.Fatalf("override: %+v %v", tr, err)
	}
	c := cp(w.s.View(), "catch-up")
	if !c.Override || c.OverrideReason != "lag is heartbeat noise" || c.State != Done {
		t.Fatalf("after override: %+v", c)
	}
	do(t, w.s, "catch-up", Reopen)
	if c := cp(w.s.View(), "catch-up"); !c.Override {
		t.Fatal("an override must stay shown after reopening")
	}
	var last board.Event
	for _, e := range w.b.Snapshot().Events {
		if e.Kind == "checkpoint" && strings.Contains(e.Text, "override") {
			last = e
		}
	}
	if last.Text != "catch-up done by sam · override: lag is heartbeat noise" || last.Status != sources.Warn {
		t.Fatalf("override event: %+v", last)
	}
	var r *Refused
	if err := w.s.Check(Transition{Checkpoint: "catch-up", Action: Finish, By: "sam"}); !errors.As(err, &r) {
		t.Fatalf("Check on a pending checkpoint: %v", err)
	}
}
