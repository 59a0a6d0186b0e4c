package proctest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func signal(cmd *exec.Cmd, sig syscall.Signal) { _ = cmd.Process.Signal(sig) }

// TestProcLifecycle: a real process is waited for until it is ready, stopped, and started
// again; a second Start while it runs is refused.
func TestProcLifecycle(t *testing.T) {
	p := &Proc{Name: "sleeper", Log: filepath.Join(t.TempDir(), "log"), Signal: signal}
	for round := 0; round < 2; round++ {
		if err := p.Start(exec.Command("sleep", "30")); err != nil {
			t.Fatal(err)
		}
		tries := 0
		err := p.WaitReady(context.Background(), "sleep", func(context.Context) error {
			if tries++; tries < 3 {
				return errors.New("not yet")
			}
			return nil
		})
		if err != nil || tries != 3 || !p.Running() {
			t.Fatalf("round %d: ready after %d tries: %v (running %v)", round, tries, err, p.Running())
		}
		if err := p.Start(exec.Command("sleep", "30")); err == nil || !strings.Contains(err.Error(), "already running") {
			t.Fatalf("a second Start: %v", err)
		}
		if err := p.Stop(syscall.SIGTERM); err != nil || p.Running() || p.Started() {
			t.Fatalf("round %d: stop: %v (running %v)", round, err, p.Running())
		}
	}
}

// TestProcExitsBeforeReady: a server that exits while being waited for is an error naming
// it, with the end of its log.
func TestProcExitsBeforeReady(t *testing.T) {
	log := filepath.Join(t.TempDir(), "log")
	if err := os.WriteFile(log, []byte("\n  FATAL: data directory has wrong ownership  \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &Proc{Name: "broken", Log: log, Signal: signal}
	if err := p.Start(exec.Command("false")); err != nil {
		t.Fatal(err)
	}
	err := p.WaitReady(context.Background(), "postgres", func(context.Context) error { return errors.New("refused") })
	if err == nil || err.Error() != "broken: postgres exited: FATAL: data directory has wrong ownership" {
		t.Fatalf("got %v", err)
	}
	if p.Started() {
		t.Fatal("an exited process still counts as started")
	}
}

func TestTail(t *testing.T) {
	if got := Tail("  abcdef \n", 3); got != "…def" {
		t.Fatalf("Tail = %q", got)
	}
	if got := Tail("ab", 3); got != "ab" {
		t.Fatalf("Tail = %q", got)
	}
}
