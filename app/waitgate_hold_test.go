package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/runsheet"
)

// holdApp writes a config with the given health probes and one checkpoint "caught-up" with
// gate and hold, opens it one-shot (inside the bubble) and starts the checkpoint.
func holdApp(t *testing.T, probes, gate, hold string) *App {
	t.Helper()
	dir := t.TempDir()
	src := fmt.Sprintf(`title: Hold
health:
%srunsheet:
  journal: %s
  checkpoints:
    - {id: caught-up, title: Caught up, gate: '%s', hold: %s}
`, probes, filepath.Join(dir, "j"), gate, hold)
	path := filepath.Join(dir, "w.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(cfg, Options{OneShot: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	apply(t, a, "caught-up", runsheet.Start)
	return a
}

// waitLines runs WaitGate and returns how long it took and its progress lines.
func waitLines(t *testing.T, a *App) (time.Duration, []string) {
	t.Helper()
	start := time.Now()
	var progress bytes.Buffer
	if err := a.WaitGate(context.Background(), "caught-up", &progress); err != nil {
		t.Fatal(err)
	}
	return time.Since(start), strings.Split(strings.TrimSpace(progress.String()), "\n")
}

// polls is how many polls the board has had of source name.
func polls(a *App, name string) int {
	for _, s := range a.Board.Snapshot().Sources {
		if s.Name == name {
			return s.Polls
		}
	}
	return -1
}

// TestWaitGateEndsWhenTheHoldDoes (in a synctest bubble; WaitGate polls with
// sources.PollOnce, not the scheduler, so there is no slot rounding: the times are exact):
// a 30 s hold on a probe polled every 7 s (and every 7.4 s) ends at 30 s, not at the next
// poll (35 s, 37 s): WaitGate wakes when the hold completes, between polls. Its progress
// lines truncate, as the board does: 29.6 s held is "29s of 30s". The done goes through as
// held, not forced.
func TestWaitGateEndsWhenTheHoldDoes(t *testing.T) {
	addr := tcpTarget(t)
	for _, tc := range []struct {
		interval string
		held     []string // the seconds each progress line says
	}{
		{"7s", []string{"0", "7", "14", "21", "28"}},
		{"7.4s", []string{"0", "7", "14", "22", "29"}}, // 29.6 s
	} {
		t.Run(tc.interval, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				a := holdApp(t, fmt.Sprintf("  - {name: db, tcp: %q, interval: %s, timeout: 2s}\n", addr, tc.interval),
					`health["db"].status == "ok"`, "30s")
				took, lines := waitLines(t, a)
				if took != 30*time.Second {
					t.Errorf("WaitGate returned after %s, want 30s: the hold, not the next poll", took)
				}
				var want []string
				for _, s := range tc.held {
					want = append(want, "gate of caught-up holds "+s+"s of 30s…")
				}
				if strings.Join(lines, "\n") != strings.Join(want, "\n") {
					t.Errorf("progress %q, want %q", lines, want)
				}
				if polls(a, "db") != len(want) {
					t.Errorf("%d polls, want %d: none more at the hold's end", polls(a, "db"), len(want))
				}
				doneAsHeld(t, a)
			})
		})
	}
}

// TestWaitGatePollsEachOnItsInterval: a gate over a 1 s probe and a 7 s probe polls each on
// its own interval (31 and 5 polls in 30 s), so the 1 s probe's facts never go 7 s old,
// stale by the board's rule; it ends at the hold, 30 s.
func TestWaitGatePollsEachOnItsInterval(t *testing.T) {
	addr := tcpTarget(t)
	synctest.Test(t, func(t *testing.T) {
		a := holdApp(t, fmt.Sprintf("  - {name: fast, tcp: %q, interval: 1s, timeout: 1s}\n  - {name: slow, tcp: %q, interval: 7s, timeout: 2s}\n", addr, addr),
			`health["fast"].status == "ok" && health["slow"].status == "ok"`, "30s")
		took, lines := waitLines(t, a)
		if took != 30*time.Second {
			t.Errorf("WaitGate returned after %s, want 30s", took)
		}
		if f, s := polls(a, "fast"), polls(a, "slow"); f != 31 || s != 5 {
			t.Errorf("polls: fast %d, slow %d; want 31 (0…30 s) and 5 (0, 7, …, 28 s)", f, s)
		}
		if len(lines) != 30 || lines[29] != "gate of caught-up holds 29s of 30s…" {
			t.Errorf("progress %q, want one line a second, 0s … 29s of 30s", lines)
		}
		doneAsHeld(t, a)
	})
}

// TestWaitGateNoDoneOnStaleFacts: at the hold's end WaitGate re-checks staleness before it
// lets the done through, as the running board does each second: a gate on a probe that
// never answers (its port is closed: crit, no successful poll) is stale once its last poll
// is more than two intervals after the board's start, and stale means unknown. With a 12 s
// hold on 5 s polls (0, 5, 10 s) the hold ends at 12 s on facts stale since 10 s: WaitGate
// returns then, and the done is refused as unknown, not admitted as held.
func TestWaitGateNoDoneOnStaleFacts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	synctest.Test(t, func(t *testing.T) {
		a := holdApp(t, fmt.Sprintf("  - {name: old, tcp: %q, interval: 5s, timeout: 1s}\n", closed),
			`health["old"].status == "crit"`, "12s")
		took, _ := waitLines(t, a)
		if took != 12*time.Second {
			t.Errorf("WaitGate returned after %s, want 12s (the hold's end)", took)
		}
		err := a.Apply(context.Background(), runsheet.Transition{Checkpoint: "caught-up", Action: runsheet.Finish, By: "dana"})
		var refused *runsheet.Refused
		if !errors.As(err, &refused) || !strings.HasPrefix(refused.Reason, `gate unknown: health["old"] is stale`) {
			t.Fatalf("done on stale facts: %v, want refused as unknown (stale)", err)
		}
	})
}

// doneAsHeld marks caught-up done and checks that it went through as held, not forced.
func doneAsHeld(t *testing.T, a *App) {
	t.Helper()
	err := a.Apply(context.Background(), runsheet.Transition{Checkpoint: "caught-up", Action: runsheet.Finish, By: "dana"})
	if err != nil {
		t.Fatalf("done after WaitGate: %v", err)
	}
	for _, c := range a.Sheet.View().Checkpoints {
		if c.ID == "caught-up" && (c.State != runsheet.Done || c.Override) {
			t.Errorf("caught-up is %s (override %v), want done as held", c.State, c.Override)
		}
	}
}
