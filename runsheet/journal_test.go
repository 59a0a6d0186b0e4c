package runsheet

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
)

// TestJournalRestart: a restart folds the journal back into exactly the state it left,
// with times, who and notes; one JSON line per transition.
func TestJournalRestart(t *testing.T) {
	path := journalPath(t)
	clk := newClock()
	s := open(t, basicPlan(path), Options{Now: clk.Now})
	do(t, s, "a", Start)
	clk.Advance(12 * time.Minute)
	do(t, s, "a", Finish)
	do(t, s, "b", Start)
	clk.Advance(time.Minute)
	do(t, s, "b", Fail, "replica broke")
	do(t, s, "d", Skip, "not needed tonight")
	before := s.View()
	_ = s.Close()

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n != 5 {
		t.Fatalf("journal has %d lines, want 5:\n%s", n, data)
	}
	first := strings.SplitN(string(data), "\n", 2)[0]
	if first != `{"seq":1,"checkpoint":"a","action":"start","at":"2025-03-08T01:00:00Z","by":"dana"}` {
		t.Fatalf("first line: %s", first)
	}
	s2 := open(t, basicPlan(path), Options{Now: clk.Now})
	after := s2.View()
	if digest(after) != digest(before) || after.Seq != 5 {
		t.Fatalf("restart changed the state:\n%s\n%s", digest(before), digest(after))
	}
	b := cp(after, "b")
	if b.Note != "replica broke" || b.Actual != time.Minute || !b.StartedAt.Equal(clk.Now().Add(-time.Minute)) {
		t.Fatalf("b after restart: %+v", b)
	}
	if a := cp(after, "a"); a.Actual != 12*time.Minute || a.By != "dana" {
		t.Fatalf("a after restart: %+v", a)
	}
	if len(after.Warnings) != 0 {
		t.Fatalf("warnings: %v", after.Warnings)
	}
}

// TestTornLastLine: a crash mid-write leaves half a line; it is ignored with a warning, and
// the next writer cuts it off before appending.
func TestTornLastLine(t *testing.T) {
	for _, torn := range []string{`{"seq":3,"checkpoint":"b","act`, "\x00\x00\x00", `{"seq":3,"checkpoint":"b","action":"start"` + "\n"} {
		path := journalPath(t)
		s := open(t, basicPlan(path), Options{Now: newClock().Now})
		do(t, s, "a", Start)
		do(t, s, "a", Finish)
		_ = s.Close()
		appendRaw(t, path, torn)

		s2 := open(t, basicPlan(path), Options{Now: newClock().Now})
		v := s2.View()
		if v.Seq != 2 || cp(v, "a").State != Done {
			t.Fatalf("torn %q: state %s", torn, digest(v))
		}
		if len(v.Warnings) != 1 || !strings.Contains(v.Warnings[0], "line 3 is incomplete") {
			t.Fatalf("torn %q: warnings %q", torn, v.Warnings)
		}
		do(t, s2, "b", Start)
		data, _ := os.ReadFile(path)
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[2], `{"seq":3,"checkpoint":"b","action":"start","at":`) {
			t.Fatalf("torn %q: after the next append the journal is\n%s", torn, data)
		}
		v = s2.View()
		if len(v.Warnings) != 1 || !strings.Contains(v.Warnings[0], "cut off incomplete line 3") {
			t.Fatalf("torn %q: warnings after repair %q", torn, v.Warnings)
		}
		s3 := open(t, basicPlan(path), Options{})
		if w := s3.View().Warnings; len(w) != 0 {
			t.Fatalf("torn %q: a repaired journal still warns: %q", torn, w)
		}
	}
}

// TestCorruptMiddleLine: a line that does not parse and is not the last is an error that
// names it; nothing is guessed.
func TestCorruptMiddleLine(t *testing.T) {
	path := journalPath(t)
	s := open(t, basicPlan(path), Options{})
	do(t, s, "a", Start)
	_ = s.Close()
	appendRaw(t, path, "this is not json\n")
	appendRaw(t, path, `{"seq":2,"checkpoint":"a","action":"done","at":"2025-03-08T01:00:00Z","by":"x"}`+"\n")
	_, err := Open(basicPlan(path), Options{})
	if err == nil || !strings.Contains(err.Error(), path+" line 2: not a transition") {
		t.Fatalf("Open: %v", err)
	}
}

// TestOpenEmitsHistory: folding a journal puts its transitions on the board's event log,
// and each Apply adds one more, with the gate's verdict in its text.
func TestOpenEmitsHistory(t *testing.T) {
	path := journalPath(t)
	s := open(t, basicPlan(path), Options{})
	do(t, s, "a", Start)
	do(t, s, "a", Fail, "timeout")
	_ = s.Close()
	b := board.New(nil, board.Options{})
	s2 := open(t, basicPlan(path), Options{Board: b})
	do(t, s2, "a", Reopen)
	var got []string
	for _, e := range b.Snapshot().Events {
		if e.Kind == "checkpoint" {
			got = append(got, e.Source+"|"+e.Status.String()+"|"+e.Text)
		}
	}
	want := []string{"a|ok|a started by dana", "a|crit|a failed, by dana: timeout", "a|warn|a reopened by dana"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("events:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestExpectations: a done checkpoint's expect: changes the database's expectation;
// reopening it restores what was expected before.
func TestExpectations(t *testing.T) {
	rs := basicPlan(journalPath(t))
	rs.Checkpoints[0].Expect = map[string]string{"old": "read_only"}
	rs.Checkpoints[2].Expect = map[string]string{"old": "writable", "new": "writable"}
	ex := sources.NewExpectations(map[string]string{"old": "writable", "new": "read_only"})
	s := open(t, rs, Options{Expect: ex})
	check := func(old, nw string) {
		t.Helper()
		if ex.Get("old") != old || ex.Get("new") != nw {
			t.Fatalf("old=%q new=%q, want %q %q", ex.Get("old"), ex.Get("new"), old, nw)
		}
	}
	do(t, s, "a", Start)
	check("writable", "read_only")
	do(t, s, "a", Finish)
	check("read_only", "read_only")
	do(t, s, "b", Start)
	do(t, s, "b", Finish)
	do(t, s, "c", Start)
	do(t, s, "c", Finish)
	check("writable", "writable")
	do(t, s, "c", Reopen)
	check("read_only", "read_only")
	do(t, s, "a", Reopen)
	check("writable", "read_only")
	do(t, s, "a", Start)
	do(t, s, "a", Finish)
	_ = s.Close()

	// another process starts from the configured values and folds to the same
	ex2 := sources.NewExpectations(map[string]string{"old": "writable", "new": "read_only"})
	open(t, rs, Options{Expect: ex2})
	if ex2.Get("old") != "read_only" || ex2.Get("new") != "read_only" {
		t.Fatalf("after restart: old=%q new=%q", ex2.Get("old"), ex2.Get("new"))
	}
}

// TestApplyAfterClose: a closed sheet refuses to write.
func TestApplyAfterClose(t *testing.T) {
	s, err := Open(basicPlan(journalPath(t)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if err := s.Apply(context.Background(), Transition{Checkpoint: "a", Action: Start, By: "x"}); err != errClosed {
		t.Fatalf("Apply after Close: %v", err)
	}
	s.Refresh() // must not panic
}

func appendRaw(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}
