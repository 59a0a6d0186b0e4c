package app

import (
	"bytes"
	"context"
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

// tcpTarget is a loopback TCP server that accepts and closes every connection, started
// outside any synctest bubble (its accept loop waits on the network).
func tcpTarget(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

// TestWaitGateWaitsOutTheHoldExactly (in a synctest bubble: the hold and the polls run on
// fake time): `checkpoint done` on a gate with hold: 30s over a probe polled every 5 s
// waits until the gate has held 30 s — polls at 0, 5, …, 30 s, amber up to 25 s — and the
// done then goes through as held, not forced.
func TestWaitGateWaitsOutTheHoldExactly(t *testing.T) {
	addr := tcpTarget(t) // a TCP probe dials and closes: nothing of it waits on the network
	dir := t.TempDir()
	src := fmt.Sprintf(`title: Hold
health:
  - {name: db, tcp: %q, interval: 5s, timeout: 2s}
runsheet:
  journal: %s
  checkpoints:
    - {id: caught-up, title: Caught up, gate: 'health["db"].status == "ok"', hold: 30s}
`, addr, filepath.Join(dir, "j"))
	path := filepath.Join(dir, "w.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		cfg, err := config.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		a, err := New(cfg, Options{OneShot: true})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		apply(t, a, "caught-up", runsheet.Start)
		start := time.Now()
		var progress bytes.Buffer
		if err := a.WaitGate(context.Background(), "caught-up", &progress); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took != 30*time.Second {
			t.Errorf("WaitGate returned after %s, want 30s: the hold, on the 5 s polls", took)
		}
		lines := strings.Split(strings.TrimSpace(progress.String()), "\n")
		if len(lines) != 6 || lines[0] != "gate of caught-up holds 0s of 30s…" || lines[5] != "gate of caught-up holds 25s of 30s…" {
			t.Errorf("progress %q, want 0s … 25s of 30s, one a poll", lines)
		}
		err = a.Apply(context.Background(), runsheet.Transition{Checkpoint: "caught-up", Action: runsheet.Finish, By: "dana"})
		if err != nil {
			t.Fatalf("done after WaitGate: %v", err)
		}
		for _, c := range a.Sheet.View().Checkpoints {
			if c.ID == "caught-up" && (c.State != runsheet.Done || c.Override) {
				t.Errorf("caught-up is %s (override %v), want done as held", c.State, c.Override)
			}
		}
	})
}
