package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/internal/proctest"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources/mysql/mariadbtest"
)

// startPrimary starts a MariaDB pair for one test (skipped without MariaDB, failed under
// WARROOM_REQUIRE_DB=1) and returns it.
func startPrimary(t *testing.T) *mariadbtest.Pair {
	t.Helper()
	err := mariadbtest.Available()
	var p *mariadbtest.Pair
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		p, err = mariadbtest.StartPair(ctx, "")
		cancel()
	}
	if err != nil {
		proctest.Missing(t, "MariaDB did not start", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

const frozenYAML = `title: Frozen
databases:
  - name: old-primary
    dsn: %q
    expect: writable
runsheet:
  journal: %s
  checkpoints:
    - id: freeze
      title: Old primary read-only
      expect: {old-primary: read_only}
    - id: verify
      title: Nothing wrote on the old primary
      gate: '!db["old-primary"].stray_writes'
`

// TestStrayWriteSeenByEveryProcess: a freeze done journals the old primary's position; a
// root INSERT after it is a stray write to a fresh check (exit 2, stray_writes true), to a
// restarted board, and to a later checkpoint's gate, not only to the board that watched it
// happen. Reopening and doing the freeze again (with no poll between) re-baselines it in the
// journal, and every process then sees the node clean.
func TestStrayWriteSeenByEveryProcess(t *testing.T) {
	p := startPrimary(t)
	dir := t.TempDir()
	journal := filepath.Join(dir, "cutover.journal")
	path := filepath.Join(dir, "warroom.yaml")
	if err := os.WriteFile(path, []byte(fmt.Sprintf(frozenYAML, p.MonitorDSN(p.Primary), journal)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	root := func(stmt string) {
		t.Helper()
		if err := p.Primary.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	root("SET GLOBAL read_only = ON")

	cli := open(t, path, false) // `warroom checkpoint freeze start|done`
	apply(t, cli, "freeze", runsheet.Start)
	apply(t, cli, "freeze", runsheet.Finish)
	cli.Close()
	state, _ := p.Primary.QueryString(ctx, "SELECT @@gtid_binlog_state")
	data, _ := os.ReadFile(journal)
	if !strings.Contains(string(data), `"kind":"baseline"`) || !strings.Contains(string(data), `"gtid":"`+state+`"`) {
		t.Fatalf("the freeze did not journal the old primary's position %q:\n%s", state, data)
	}

	root("INSERT INTO lab.orders (created, amount) VALUES (NOW(6), 99)") // root gets past read_only
	check := func(what string, wantStray bool) {
		t.Helper()
		a := open(t, path, true)
		defer a.Close()
		rep := a.Check(ctx)
		f := rep.Sources[0].Facts
		if f["stray_writes"] != wantStray || (wantStray && ExitCode(rep.Status) != 2) || (!wantStray && rep.Status != "ok") {
			t.Fatalf("%s: status %s, facts %v, error %q", what, rep.Status, f, rep.Sources[0].Error)
		}
	}
	check("a fresh check after the stray write", true)

	board := open(t, path, false) // a restarted board
	defer board.Close()
	if rep := board.Check(ctx); rep.Sources[0].Facts["stray_writes"] != true {
		t.Fatalf("a restarted board does not see the stray write: %v", rep.Sources[0].Facts)
	}
	apply(t, board, "verify", runsheet.Start)
	err := board.WaitGate(ctx, "verify", io.Discard)
	if err == nil {
		err = board.Apply(ctx, runsheet.Transition{Checkpoint: "verify", Action: runsheet.Finish, By: "dana"})
	}
	var refused *runsheet.Refused
	if !errors.As(err, &refused) || !strings.Contains(refused.Reason, "stray_writes") {
		t.Fatalf("the gate of verify let a done through a stray write: %v", err)
	}

	// The operator has dealt with it: reopen and done, with no poll between.
	apply(t, board, "freeze", runsheet.Reopen)
	apply(t, board, "freeze", runsheet.Start)
	apply(t, board, "freeze", runsheet.Finish)
	if rep := board.Check(ctx); rep.Sources[0].Facts["stray_writes"] != false || rep.Status != "ok" {
		t.Fatalf("after reopen and done the board still alarms: %s %v", rep.Status, rep.Sources[0].Facts)
	}
	check("a fresh check after the re-baseline", false)
	root("INSERT INTO lab.orders (created, amount) VALUES (NOW(6), 100)")
	check("a fresh check after a second stray write", true)
	root("SET GLOBAL read_only = OFF")
}

// open builds an app from the config at path, as a command does.
func open(t *testing.T, path string, readOnly bool) *App {
	t.Helper()
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(cfg, Options{ReadOnly: readOnly})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func apply(t *testing.T, a *App, id string, act runsheet.Action) {
	t.Helper()
	if err := a.Apply(context.Background(), runsheet.Transition{Checkpoint: id, Action: act, By: "dana"}); err != nil {
		t.Fatalf("%s %s: %v", act, id, err)
	}
}
