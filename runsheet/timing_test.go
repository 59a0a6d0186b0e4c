package runsheet

import (
	"strings"
	"testing"
	"time"
)

// TestForecast walks a run through the plan a(10m) → b(20m) → c(30m), d(5m) independent,
// window 2h, checking elapsed, forecast, overruns and the no-return and cutover marks.
func TestForecast(t *testing.T) {
	clk := newClock()
	t0 := clk.Now()
	s := open(t, basicPlan(journalPath(t)), Options{Now: clk.Now})
	check := func(elapsed, forecast time.Duration) View {
		t.Helper()
		v := s.View()
		if v.Elapsed != elapsed || v.Forecast != forecast {
			t.Fatalf("elapsed %s forecast %s, want %s %s", v.Elapsed, v.Forecast, elapsed, forecast)
		}
		return v
	}
	v := check(0, 60*time.Minute) // nothing started: the critical path a+b+c
	if late, ok := v.Late(); !ok || late != -60*time.Minute {
		t.Fatalf("late %s %v", late, ok)
	}

	do(t, s, "a", Start)
	clk.Advance(15 * time.Minute) // a overruns its 10m: the rest moves with it
	v = check(15*time.Minute, 65*time.Minute)
	if a := cp(v, "a"); a.Actual != 15*time.Minute || !a.Overrun {
		t.Fatalf("a: actual %s overrun %v", a.Actual, a.Overrun)
	}
	if !v.Started.Equal(t0) {
		t.Fatalf("started %s", v.Started)
	}
	do(t, s, "a", Finish)
	do(t, s, "b", Start)
	clk.Advance(5 * time.Minute) // b is within its plan: counts as planned
	check(20*time.Minute, 65*time.Minute)
	do(t, s, "d", Skip, "not tonight")
	clk.Advance(25 * time.Minute) // b at 30m of 20m
	v = check(45*time.Minute, 75*time.Minute)
	if late, _ := v.Late(); FormatLate(late) != "45m early" {
		t.Fatalf("late: %s", FormatLate(late))
	}
	if v.PastNoReturn || cp(v, "a").RollbackVoid {
		t.Fatal("past no return before b is done")
	}
	do(t, s, "b", Finish)
	do(t, s, "c", Start)
	clk.Advance(10 * time.Minute)
	v = check(55*time.Minute, 75*time.Minute)
	if !v.PastNoReturn || !cp(v, "a").RollbackVoid || !cp(v, "b").RollbackVoid || cp(v, "c").RollbackVoid {
		t.Fatalf("no return: %v a %v b %v c %v", v.PastNoReturn, cp(v, "a").RollbackVoid, cp(v, "b").RollbackVoid, cp(v, "c").RollbackVoid)
	}
	do(t, s, "c", Finish)
	clk.Advance(10 * time.Minute) // finished: the clock stops
	v = check(55*time.Minute, 55*time.Minute)
	if !v.Finished || !v.CutoverAt.Equal(t0.Add(55*time.Minute)) {
		t.Fatalf("finished %v cutover %s", v.Finished, v.CutoverAt)
	}
	var steps []string
	for _, c := range v.RollbackSteps() {
		steps = append(steps, c.ID)
	}
	if strings.Join(steps, ",") != "c,b,a" {
		t.Fatalf("rollback steps %v", steps)
	}
}

// TestForecastFailedAndParallel: a failed checkpoint still has its planned time ahead; of
// two parallel branches the longer one decides.
func TestForecastFailedAndParallel(t *testing.T) {
	clk := newClock()
	rs := basicPlan(journalPath(t))
	rs.Checkpoints[3].Planned = mins(90) // d, independent, now longer than a+b+c
	s := open(t, rs, Options{Now: clk.Now})
	if v := s.View(); v.Forecast != 90*time.Minute {
		t.Fatalf("parallel: %s", v.Forecast)
	}
	do(t, s, "d", Start)
	clk.Advance(5 * time.Minute)
	do(t, s, "d", Fail, "broke")
	clk.Advance(5 * time.Minute)
	// d failed at 5m; from now (10m) it still needs 90m
	if v := s.View(); v.Forecast != 100*time.Minute || v.Elapsed != 10*time.Minute || v.Finished {
		t.Fatalf("failed: forecast %s elapsed %s", v.Forecast, v.Elapsed)
	}
}

func TestFormatLate(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-45 * time.Minute:               "45m early",
		65 * time.Minute:                "1h05m late",
		20 * time.Second:                "on time",
		-29 * time.Second:               "on time",
		4*time.Hour + 31*time.Second:    "4h01m late",
		-(2*time.Hour + 10*time.Minute): "2h10m early",
	} {
		if got := FormatLate(d); got != want {
			t.Errorf("FormatLate(%s) = %q, want %q", d, got, want)
		}
	}
	if FormatHM(4*time.Hour+30*time.Minute) != "4h30m" || FormatHM(-90*time.Second) != "-2m" {
		t.Errorf("FormatHM: %q %q", FormatHM(4*time.Hour+30*time.Minute), FormatHM(-90*time.Second))
	}
}

// When every checkpoint is reopened (the demo's loop starts again), the run has not started:
// T+ and the forecast count from the next start, not from the first start ever.
func TestReopenEverythingRestartsTheClock(t *testing.T) {
	clk := newClock()
	s := open(t, basicPlan(journalPath(t)), Options{Now: clk.Now})
	do(t, s, "a", Start)
	clk.Advance(3 * time.Minute)
	do(t, s, "a", Finish)
	do(t, s, "d", Skip, "not tonight")
	clk.Advance(time.Minute)
	do(t, s, "d", Reopen)
	if v := s.View(); v.Started.IsZero() || v.Elapsed != 4*time.Minute {
		t.Fatalf("one checkpoint still done: started %v elapsed %s, want the clock running", v.Started, v.Elapsed)
	}
	do(t, s, "a", Reopen)
	if v := s.View(); !v.Started.IsZero() || v.Elapsed != 0 || v.Forecast != 60*time.Minute {
		t.Fatalf("every checkpoint pending: started %v elapsed %s forecast %s, want not started, 0, 60m", v.Started, v.Elapsed, v.Forecast)
	}
	clk.Advance(10 * time.Minute)
	do(t, s, "a", Start)
	clk.Advance(time.Minute)
	if v := s.View(); v.Elapsed != time.Minute {
		t.Fatalf("after the new start: elapsed %s, want 1m", v.Elapsed)
	}
}
