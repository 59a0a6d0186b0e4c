package runsheet

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sources"
)

// freezePlan is one checkpoint that makes database "old" read-only.
func freezePlan(journal string) config.Runsheet {
	return config.Runsheet{Journal: journal, Checkpoints: []config.Checkpoint{
		{ID: "freeze", Title: "Freeze", Expect: map[string]string{"old": "read_only"}},
	}}
}

// TestBaselineJournaledWithTheDone: the done that freezes a database journals its position
// right after it; any process that opens the journal gets that baseline; reopening drops it
// and the next done journals a new one.
func TestBaselineJournaledWithTheDone(t *testing.T) {
	path := journalPath(t)
	gtid := "0-1-5"
	bases := sources.NewBaselines()
	s := open(t, freezePlan(path), Options{Baselines: bases,
		Position: func(context.Context, string) (sources.Position, error) {
			return sources.Position{GTID: gtid, BinlogFile: "bin.000001", BinlogPos: 1032}, nil
		}})
	do(t, s, "freeze", Start)
	done := do(t, s, "freeze", Finish)
	b := bases.Get("old")
	if b.Epoch != done.Seq || b.Position == nil || b.Position.GTID != "0-1-5" || b.Position.BinlogPos != 1032 || b.Checkpoint != "freeze" {
		t.Fatalf("baseline after the done: %+v", b)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), `{"seq":3,"kind":"baseline",`) || !strings.Contains(string(data), `"for":2,"gtid":"0-1-5","binlog_file":"bin.000001","binlog_pos":1032}`) {
		t.Fatalf("journal:\n%s", data)
	}
	other := sources.NewBaselines()
	o := open(t, freezePlan(path), Options{Baselines: other})
	if got := other.Get("old"); got.Epoch != 2 || got.Position == nil || got.Position.GTID != "0-1-5" {
		t.Fatalf("another process reads %+v", got)
	}
	if v := o.View(); len(v.Warnings) != 0 || v.Seq != 3 {
		t.Fatalf("another process: seq %d, warnings %q", v.Seq, v.Warnings)
	}
	do(t, s, "freeze", Reopen)
	if got := bases.Get("old"); got.Epoch != 0 || got.Position != nil {
		t.Fatalf("after reopen: %+v", got)
	}
	gtid = "0-1-9"
	do(t, s, "freeze", Start)
	again := do(t, s, "freeze", Finish)
	if got := bases.Get("old"); got.Epoch != again.Seq || got.Position.GTID != "0-1-9" {
		t.Fatalf("after done again: %+v", got)
	}
	o.Refresh()
	if got := other.Get("old"); got.Epoch != again.Seq || got.Position.GTID != "0-1-9" {
		t.Fatalf("the other process after done again: %+v", got)
	}
}

// TestBaselineWhenTheNodeIsDown: a freeze recorded while the node does not answer says so;
// the first position offered for that done is journaled, once; an offer for an older done
// is not.
func TestBaselineWhenTheNodeIsDown(t *testing.T) {
	path := journalPath(t)
	bases := sources.NewBaselines()
	s := open(t, freezePlan(path), Options{Baselines: bases,
		Position: func(context.Context, string) (sources.Position, error) {
			return sources.Position{}, errors.New("connect: connection refused")
		}})
	do(t, s, "freeze", Start)
	done := do(t, s, "freeze", Finish)
	if w := s.View().Warnings; len(w) != 1 || !strings.Contains(w[0], "no baseline of old journaled with freeze done (connect: connection refused): the first warroom process that may write the journal and reaches it journals one") {
		t.Fatalf("warnings %q", w)
	}
	if b := bases.Get("old"); b.Epoch != done.Seq || b.Position != nil {
		t.Fatalf("baseline before any offer: %+v", b)
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	other := open(t, freezePlan(path), Options{})
	if err := other.RecordBaseline("old", done.Seq, sources.Position{GTID: "0-1-7"}, at); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordBaseline("old", done.Seq, sources.Position{GTID: "0-1-8"}, at); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordBaseline("old", done.Seq-1, sources.Position{GTID: "0-1-1"}, at); err != nil {
		t.Fatal(err)
	}
	if b := bases.Get("old"); b.Position == nil || b.Position.GTID != "0-1-7" || !b.At.Equal(at) {
		t.Fatalf("baseline after the offers: %+v", b)
	}
	if w := s.View().Warnings; len(w) != 0 {
		t.Fatalf("warnings once the baseline is journaled: %q", w)
	}
	data, _ := os.ReadFile(path)
	if n := strings.Count(string(data), `"kind":"baseline"`); n != 1 {
		t.Fatalf("%d baseline lines, want 1:\n%s", n, data)
	}
}

// TestBaselineLinesThatDoNotRead: a line of an unknown kind, or a baseline not after its
// done, is an error naming its line, as any other line that does not parse.
func TestBaselineLinesThatDoNotRead(t *testing.T) {
	for _, line := range []string{
		`{"seq":2,"kind":"snapshot","at":"2025-03-08T01:00:00Z"}`,
		`{"seq":2,"kind":"baseline","at":"2025-03-08T01:00:00Z","database":"old","for":2}`,
		`{"seq":2,"kind":"baseline","at":"2025-03-08T01:00:00Z","for":1}`,
	} {
		path := journalPath(t)
		data := `{"seq":1,"checkpoint":"freeze","action":"start","at":"2025-03-08T01:00:00Z","by":"dana"}` + "\n" + line + "\n\n"
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(freezePlan(path), Options{}); err == nil || !strings.Contains(err.Error(), "line 2:") {
			t.Errorf("%s: %v", line, err)
		}
	}
}
