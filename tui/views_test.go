package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
)

// z opens the selected source over the charts pane with its facts in words; esc returns.
func TestTeaZoom(t *testing.T) {
	e := newEnv(t, plan(), 3)
	e.feed(time.Now(), true)
	v := 412.0
	e.board.Ingest("src-00", sources.Result{Status: sources.OK, Value: &v, Unit: "ms",
		Facts: map[string]any{"latency_ms": 412.0, "phases_ms": map[string]float64{"dns": 2, "connect": 5},
			"served_by": "aws-1", "status_code": 200, "lag_source": "heartbeat", "sql_running": true}}, time.Now())
	p := runProgram(t, e, 160, 45)
	p.keys("tab", "z") // tab selects the first source
	s := p.wait("src-00 · demo · ok", "esc returns", "latency 412 ms", "phases connect 5 ms · dns 2 ms",
		"served by aws-1", "sql running yes", "lag source heartbeat", "p95 ")
	if strings.Contains(s, "DATABASES") {
		t.Fatalf("the zoom must replace the charts pane:\n%s", s)
	}
	if !strings.Contains(s, "RUNSHEET") {
		t.Fatalf("at 160 columns the runsheet stays beside the zoom:\n%s", s)
	}
	p.keys("esc")
	if s := p.wait("DATABASES"); strings.Contains(s, "esc returns") {
		t.Fatalf("esc must close the zoom:\n%s", s)
	}
}

// ] widens and [ narrows the window through 5m, 15m, 1h, 4h and the whole run.
func TestTeaTimeRange(t *testing.T) {
	e := newEnv(t, plan(), 3)
	e.feed(time.Now(), true)
	p := runProgram(t, e, 160, 45)
	p.wait("15m window") // the session's 10m opens at the next window up
	p.keys("]")
	p.wait("1h window")
	p.keys("]")
	p.wait("4h window")
	p.keys("]")
	p.wait("whole run (")
	p.keys("]")
	p.wait("whole run (")
	for _, want := range []string{"4h window", "1h window", "15m window", "5m window", "5m window"} {
		p.keys("[")
		p.wait(want)
	}
}

// / types a filter: the charts, the runsheet and the event log keep only what matches, the
// header shows it, keys act only on shown rows, and esc backs out one step at a time.
func TestTeaFilterAndEscSteps(t *testing.T) {
	e := newEnv(t, plan(), 6)
	e.feed(time.Now(), true)
	e.board.AddEvent(board.Event{Time: time.Now(), Status: sources.Warn, Source: "src-04", Kind: "status", Text: "src-04 went amber"})
	e.board.AddEvent(board.Event{Time: time.Now(), Status: sources.Warn, Source: "src-01", Kind: "status", Text: "src-01 went amber"})
	p := runProgram(t, e, 160, 45)
	p.wait("src-01 went amber")
	p.keys("/")
	p.tm.Type("FREE")
	s := p.wait("filter /FREE▏", "freeze")
	if strings.Contains(s, "announce") || strings.Contains(s, "src-01 went amber") {
		t.Fatalf("the filter must hide the rows and events that do not match:\n%s", s)
	}
	p.keys("enter")
	s = p.wait("filter /FREE ")
	// Keys act on the shown row: s starts freeze, the only checkpoint shown (and refused:
	// announce is not done, which proves the key went to freeze).
	p.keys("s")
	p.wait(`refused: "freeze" cannot start before "announce"`)
	p.keys("esc")
	if s := p.wait("announce"); strings.Contains(s, "filter /") {
		t.Fatalf("esc must clear the filter:\n%s", s)
	}
	// Filter typing, zoom, filter, scrolled log: esc backs out of each in turn.
	p.keys("/")
	p.tm.Type("src-0")
	p.keys("enter", "tab", "j", "z")
	p.wait("esc returns")
	p.keys("tab", "j") // the event log, scrolled back one
	p.wait("scrolled · 1 newer", "G or esc: live")
	p.keys("esc")
	s = p.wait("filter /src-0", "scrolled · 1 newer")
	if strings.Contains(s, "esc returns") {
		t.Fatalf("the first esc must close the zoom:\n%s", s)
	}
	p.keys("esc")
	s = p.wait("scrolled · 1 newer")
	if strings.Contains(s, "filter /") {
		t.Fatalf("the second esc must clear the filter:\n%s", s)
	}
	p.keys("esc")
	p.wait("EVENTS · live")
}

// A scrolled event log stays on its events as new ones arrive and says how many are newer;
// G returns to live.
func TestTeaScrolledEventLog(t *testing.T) {
	e := newEnv(t, plan(), 3)
	for i := 0; i < 20; i++ {
		e.board.AddEvent(board.Event{Time: time.Now(), Status: sources.OK, Kind: "test", Text: fmt.Sprintf("event %02d", i)})
	}
	p := runProgram(t, e, 160, 45)
	p.keys("tab", "tab", "j", "j", "j")
	p.wait("▌EVENTS · scrolled · 3 newer", "event 16")
	for i := 20; i < 34; i++ {
		e.board.AddEvent(board.Event{Time: time.Now(), Status: sources.OK, Kind: "test", Text: fmt.Sprintf("event %02d", i)})
	}
	s := p.wait("scrolled · 17 newer", "event 16")
	if strings.Contains(s, "event 33") {
		t.Fatalf("a scrolled log must not jump to the newest events:\n%s", s)
	}
	p.keys("G")
	p.wait("EVENTS · live", "event 33")
}

// The details pane shows every fact that fits, column by column (its loop used to stop after
// rows×columns reached the count, dropping a database's lag_s and sql_running at 160×45).
func TestDetailsShowEveryFact(t *testing.T) {
	e := newEnv(t, plan(), 3)
	facts := map[string]any{"role": "replica", "read_only": true, "expect": "read_only", "io_running": true,
		"sql_running": true, "lag_s": 0.4, "lag_source": "heartbeat", "stray_writes": false,
		"errant_gtids": "", "last_error": "", "dialect": "mariadb", "version": "11.4"}
	v := 0.4
	e.board.Ingest("src-01", sources.Result{Status: sources.OK, Value: &v, Unit: "s", Facts: facts}, time.Now())
	m := newModel(t, e, Operator, 160, 45)
	m.Update(tickMsg(time.Now()))
	press(t, m, "tab")
	for i := 0; i < 10 && (m.chartSel >= len(m.chartRows()) || m.chartRows()[m.chartSel].section != "" ||
		m.snap.Sources[m.chartRows()[m.chartSel].source].Name != "src-01"); i++ {
		press(t, m, "j")
	}
	press(t, m, "i")
	out := strings.Join(strings.Fields(m.render()), " ")
	for k := range facts {
		if !strings.Contains(out, k+":") {
			t.Errorf("the details of src-01 do not show %s", k)
		}
	}
}
