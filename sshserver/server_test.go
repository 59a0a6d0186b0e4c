package sshserver

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/warroom-dev/warroom/app"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/tui"
)

// checkpoint returns a checkpoint's state in the server's runsheet.
func (f *fixture) checkpoint(id string) runsheet.Checkpoint {
	for _, c := range f.app.Sheet.View().Checkpoints {
		if c.ID == id {
			return c
		}
	}
	f.t.Fatalf("no checkpoint %s", id)
	return runsheet.Checkpoint{}
}

// TestOperatorChangeReachesOtherSessions: the viewer sees the change on its next frame (a
// second on a quiet machine; the latency is logged, not asserted: the machine is shared).
func TestOperatorChangeReachesOtherSessions(t *testing.T) {
	op, viewer := newKey(t, "alice@laptop"), newKey(t, "bob@wall")
	f := start(t, keysConfig([]testKey{op}, []testKey{viewer}), Options{})
	alice := f.board("alice", op, 120, 40)
	bob := f.board("bob", viewer, 200, 50)
	alice.waitFor("○ announce", frameWait)
	bob.waitFor("○ announce", frameWait)
	bob.waitFor("watching: 2 (alice, bob (viewer))", frameWait)

	pressed := time.Now()
	alice.press("s")
	bob.waitFor("▶ announce", frameWait)
	t.Logf("the viewer saw the change %s after the operator's key", time.Since(pressed).Round(time.Millisecond))
	alice.waitFor("start announce recorded", frameWait)

	if c := f.checkpoint("announce"); c.State != runsheet.Running {
		t.Fatalf("announce is %s, want running", c.State)
	}
	lines := f.journalLines()
	if len(lines) != 1 {
		t.Fatalf("journal has %d lines, want 1: %q", len(lines), lines)
	}
	var tr runsheet.Transition
	if err := json.Unmarshal([]byte(lines[0]), &tr); err != nil {
		t.Fatal(err)
	}
	if want := "ssh:alice " + op.fp; tr.By != want || tr.Action != runsheet.Start {
		t.Fatalf("journaled %s by %q, want start by %q", tr.Action, tr.By, want)
	}
}

func TestViewerCannotChangeAndNothingIsJournaled(t *testing.T) {
	op, viewer := newKey(t, "alice"), newKey(t, "bob")
	f := start(t, keysConfig([]testKey{op}, []testKey{viewer}), Options{})
	bob := f.board("bob", viewer, 160, 45)
	bob.waitFor("○ announce", frameWait)
	bob.waitFor("viewer · read-only", frameWait)
	for _, k := range []string{"s", "d", "x", "u", "R"} {
		bob.press(k)
	}
	bob.waitFor("read-only session: viewers cannot change checkpoints", frameWait)
	// Even if the board let a key through, the server refuses a viewer's transition.
	id := Identity{User: "bob", Role: tui.Viewer, Fingerprint: viewer.fp}
	if err := f.srv.applyFor(id)(t.Context(), runsheet.Transition{Checkpoint: "announce", Action: runsheet.Start}); err == nil {
		t.Fatal("a viewer's transition was accepted")
	}
	// A negative check: nothing observable marks "no transition is coming", so this waits a
	// while (a slow machine can only make it miss a journaled line, never fail wrongly).
	time.Sleep(300 * time.Millisecond)
	if lines := f.journalLines(); len(lines) != 0 {
		t.Fatalf("a viewer's keys journaled %q", lines)
	}
	if c := f.checkpoint("announce"); c.State != runsheet.Pending {
		t.Fatalf("announce is %s after a viewer's keys, want pending", c.State)
	}
}

func TestUnknownKeyAndOtherMethodsRefused(t *testing.T) {
	op, stranger := newKey(t, "alice"), newKey(t, "mallory")
	f := start(t, keysConfig([]testKey{op}, nil), Options{})
	for name, auth := range map[string]gossh.AuthMethod{
		"unknown key": gossh.PublicKeys(stranger.signer),
		"password":    gossh.Password("hunter2"),
		"keyboard-interactive": gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) {
			return nil, nil
		}),
	} {
		conn, err := f.dial("mallory", auth)
		if err == nil {
			conn.Close()
			t.Fatalf("%s: logged in", name)
		}
		if !strings.Contains(err.Error(), "unable to authenticate") {
			t.Fatalf("%s: %v, want an authentication failure", name, err)
		}
	}
	if !strings.Contains(f.logs.String(), "connection refused") {
		t.Fatalf("refused logins were not logged:\n%s", f.logs)
	}
}

func TestAnonymousViewersWatchReadOnly(t *testing.T) {
	op, stranger := newKey(t, "alice"), newKey(t, "carol")
	cfg := keysConfig([]testKey{op}, nil)
	cfg.AllowAnonymousViewers = true
	f := start(t, cfg, Options{})
	carol := f.board("carol", stranger, 140, 40)
	carol.waitFor("viewer · read-only", frameWait)
	carol.waitFor("carol (anonymous)", frameWait)
	carol.press("s")
	carol.waitFor("read-only session", frameWait)
	if lines := f.journalLines(); len(lines) != 0 {
		t.Fatalf("an anonymous viewer journaled %q", lines)
	}
	// An operator's key keeps its role when anonymous viewers are allowed.
	alice := f.board("alice", op, 140, 40)
	alice.waitFor("○ announce", frameWait)
	alice.press("s")
	alice.waitFor("start announce recorded", frameWait)
}

func TestSessionWithoutPTYIsToldAndClosed(t *testing.T) {
	op := newKey(t, "alice")
	f := start(t, keysConfig([]testKey{op}, nil), Options{})
	conn, err := f.dial("alice", gossh.PublicKeys(op.signer))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var out, errOut bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errOut
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	err = sess.Wait()
	ee, ok := err.(*gossh.ExitError)
	if !ok || ee.ExitStatus() != exitRefused {
		t.Fatalf("session ended with %v, want exit status %d", err, exitRefused)
	}
	msg := errOut.String()
	if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "needs a terminal") || !strings.Contains(msg, "check") {
		t.Fatalf("stderr = %q, want one line saying a terminal is needed and check exists", msg)
	}
	if out.Len() != 0 {
		t.Fatalf("stdout = %q, want nothing", out.String())
	}
}

func TestExecCheckPrintsTheCheckReport(t *testing.T) {
	op, viewer := newKey(t, "alice"), newKey(t, "bob")
	f := start(t, keysConfig([]testKey{op}, []testKey{viewer}), Options{})
	rep := app.Report(f.app.Config.Title, f.app.Board.Snapshot(), f.app.Sheet.View(), time.Now())
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct {
		user string
		key  testKey
	}{{"alice", op}, {"bob", viewer}} {
		out, errOut, code := f.exec(who.user, who.key, "check")
		if out != table.String() || errOut != "" || code != app.ExitCode(rep.Status) {
			t.Fatalf("%s: check printed\n%s(stderr %q, exit %d), want\n%s(exit %d)", who.user, out, errOut, code,
				table.String(), app.ExitCode(rep.Status))
		}
	}
	out, _, code := f.exec("bob", viewer, "check --json")
	var got app.CheckReport
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("check --json printed %q: %v", out, err)
	}
	got.CheckedAt = rep.CheckedAt
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(rep)
	if !bytes.Equal(gotJSON, wantJSON) || code != app.ExitCode(rep.Status) {
		t.Fatalf("check --json = %s (exit %d), want %s", gotJSON, code, wantJSON)
	}
	_, errOut, code := f.exec("bob", viewer, "rm -rf /")
	if code != exitUsage || !strings.Contains(errOut, "unknown command") || !strings.Contains(errOut, "check") {
		t.Fatalf("unknown command: exit %d, stderr %q", code, errOut)
	}
	if lines := f.journalLines(); len(lines) != 0 {
		t.Fatalf("check journaled %q", lines)
	}
}
