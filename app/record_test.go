package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/record"
	"github.com/warroom-dev/warroom/report"
	"github.com/warroom-dev/warroom/runsheet"
)

// fastClock runs ten times faster than the wall, so the demo's world moves quickly.
func fastClock() func() time.Time {
	start := time.Now()
	return func() time.Time { return start.Add(10 * time.Since(start)) }
}

func demoApp(t *testing.T, dir, rec string) *App {
	t.Helper()
	cfg, err := LoadDemo(filepath.Join(dir, "demo.journal"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(cfg, Options{Now: fastClock(), Record: &Record{Path: rec, Command: "demo"}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// A demo run is recorded: every source's results, the team's transitions and the board's
// events; its report and its replay show what the board showed. In a synctest bubble: the
// demo's 8 s (its world on a clock ten times faster) take no wall time.
func TestRecordDemo(t *testing.T) { synctest.Test(t, testRecordDemo) }

func testRecordDemo(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "out", "demo.rec")
	a := demoApp(t, dir, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	a.Run(ctx) // the team starts announce at 3 s and marks it done at 7 s
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	lines, r, err := record.ReadAll(rec)
	if err != nil || r.Torn {
		t.Fatal(err, r.Torn)
	}
	kinds := map[string]int{}
	srcs := map[string]bool{}
	for _, l := range lines {
		kinds[l.K]++
		if l.Result != nil {
			srcs[l.Result.Source] = true
		}
	}
	if kinds["header"] != 1 || kinds["end"] != 1 || kinds["transition"] < 2 || len(srcs) != len(lines[0].Header.Sources) {
		t.Fatalf("kinds %v, %d of %d sources", kinds, len(srcs), len(lines[0].Header.Sources))
	}
	d, err := report.Load(rec)
	if err != nil {
		t.Fatal(err)
	}
	rep := report.Analyze(d)
	if rep.Checkpoints[0].State != "done" || rep.Checkpoints[1].State != "pending" || len(rep.Charts) < 5 {
		t.Fatalf("report: %+v, %d charts", rep.Checkpoints[:2], len(rep.Charts))
	}
	p, err := record.NewPlayer(mustRead(t, rec), record.PlayerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.SeekBoard(p.Last)
	v := p.View()
	if v.Checkpoints[0].State != runsheet.Done || v.Checkpoints[1].State != runsheet.Pending {
		t.Fatalf("replay at the end: %s %s", v.Checkpoints[0].State, v.Checkpoints[1].State)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRecorderChild is the process TestKill9 kills; it does nothing in a normal run.
func TestRecorderChild(t *testing.T) {
	rec := os.Getenv("WARROOM_RECORD_CHILD")
	if rec == "" {
		t.Skip("only as TestKill9's child")
	}
	a := demoApp(t, filepath.Dir(rec), rec)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a.Run(ctx)
}

// A recorder killed with SIGKILL loses at most its last second: the file reads, the
// report says it was cut short, and the next process continues the same file.
func TestKill9(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "cut.rec")
	cmd := exec.Command(os.Args[0], "-test.run=^TestRecorderChild$")
	cmd.Env = append(os.Environ(), "WARROOM_RECORD_CHILD="+rec)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if fi, err := os.Stat(rec); err == nil && fi.Size() > 20_000 && time.Since(fi.ModTime()) < 300*time.Millisecond {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // wall time: the real child records on its own clock; kill it mid-stream
	killed := time.Now()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	fi, err := os.Stat(rec)
	if err != nil {
		t.Fatal(err)
	}
	if lost := killed.Sub(fi.ModTime()); lost > 1200*time.Millisecond {
		t.Errorf("the last frame was written %s before the kill", lost)
	}
	d, err := report.Load(rec)
	if err != nil {
		t.Fatal(err)
	}
	rep := report.Analyze(d)
	if len(rep.Notes) == 0 || !strings.Contains(rep.Notes[0], "cut short") || len(rep.Charts) == 0 {
		t.Fatalf("notes %q, %d charts", rep.Notes, len(rep.Charts))
	}
	// A restarted recorder continues the file as a second session.
	w, err := record.Create(rec, record.Header{Title: "again"}, record.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w.Path() != rec {
		t.Errorf("the dead process's lock was not released: writing %s", w.Path())
	}
	w.Close()
	d, err = report.Load(rec)
	if err != nil || len(d.Sessions) != 2 || !d.Sessions[1].EndedClean {
		t.Fatalf("after a restart: %v, %d sessions", err, len(d.Sessions))
	}
}

// plan_from takes each checkpoint's planned duration from the rehearsal's actual one, and
// the live recording carries the rehearsal's durations for the report.
func TestPlanFromRehearsal(t *testing.T) {
	dir := t.TempDir()
	reh := filepath.Join(dir, "rehearsal.rec")
	w, err := record.Create(reh, record.Header{Title: "rehearsal"}, record.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC)
	for i, x := range []struct {
		id  string
		a   runsheet.Action
		sec int
	}{{"freeze", runsheet.Start, 0}, {"freeze", runsheet.Finish, 420}, {"copy", runsheet.Start, 420},
		{"copy", runsheet.Reopen, 500}, {"copy", runsheet.Start, 600}, {"copy", runsheet.Finish, 2400}} {
		w.Transition(runsheet.Transition{Seq: int64(i + 1), Checkpoint: x.id, Action: x.a, By: "dana", At: at.Add(time.Duration(x.sec) * time.Second)})
	}
	w.Close()
	cfgPath := filepath.Join(dir, "warroom.yaml")
	os.WriteFile(cfgPath, []byte(`title: live
runsheet:
  plan_from: rehearsal.rec
  checkpoints:
    - {id: freeze, title: Freeze, planned: 5m}
    - {id: copy, title: Copy the data, planned: 1h}
    - {id: dns, title: Switch DNS, planned: 10m}
`), 0o600)
	cfg, err := Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	got := []time.Duration{cfg.Runsheet.Checkpoints[0].Planned.D(), cfg.Runsheet.Checkpoints[1].Planned.D(), cfg.Runsheet.Checkpoints[2].Planned.D()}
	if got[0] != 7*time.Minute || got[1] != 30*time.Minute || got[2] != 10*time.Minute {
		t.Fatalf("planned %v, want 7m, 30m (from the rehearsal) and 10m (not rehearsed)", got)
	}
	plan := PlanOf(cfg.Runsheet)
	if plan.Checkpoints[1].Rehearsal.D() != 30*time.Minute || plan.Checkpoints[2].Rehearsal != 0 {
		t.Fatalf("recorded rehearsal %+v", plan.Checkpoints)
	}
	os.Remove(reh)
	if _, err := Load(cfgPath); err == nil || !strings.Contains(err.Error(), "plan_from") {
		t.Fatalf("a missing rehearsal: %v", err)
	}
}

// A recording that cannot be written is a warning on the board; the board runs on (in a
// synctest bubble, as TestRecordDemo).
func TestUnwritableRecordingWarns(t *testing.T) { synctest.Test(t, testUnwritableRecordingWarns) }

func testUnwritableRecordingWarns(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o600)
	a := demoApp(t, dir, filepath.Join(blocker, "sub", "x.rec"))
	defer a.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	a.Run(ctx)
	snap := a.Board.Snapshot()
	warned := false
	for _, e := range snap.Events {
		warned = warned || (e.Kind == "record" && e.Status.String() == "warn" && strings.HasPrefix(e.Text, "recording stopped: "))
	}
	if !warned || snap.Sources[0].Polls == 0 {
		t.Fatalf("warned %v, polls %d", warned, snap.Sources[0].Polls)
	}
}

func TestSecretsOf(t *testing.T) {
	cfg, err := LoadDemo(filepath.Join(t.TempDir(), "j"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Databases = append(cfg.Databases, config.Database{Name: "db", DSN: "app:s3cr3t-pw@tcp(127.0.0.1:3306)/shop"})
	cfg.Datadog = &config.Datadog{APIKey: "dd-api-key-1", AppKey: "dd-app-key-2"}
	got := strings.Join(secretsOf(cfg), " ")
	for _, s := range []string{"s3cr3t-pw", "dd-api-key-1", "dd-app-key-2"} {
		if !strings.Contains(got, s) {
			t.Errorf("secretsOf misses %s", s)
		}
	}
}
