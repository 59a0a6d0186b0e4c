package sshserver

import (
	"bytes"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/warroom-dev/warroom/app"
)

// needTools returns the paths of the named programs, skipping the test when one is missing
// unless WARROOM_REQUIRE_SSH=1 asks for a failure instead.
func needTools(t *testing.T, names ...string) []string {
	t.Helper()
	var paths []string
	for _, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			if os.Getenv("WARROOM_REQUIRE_SSH") == "1" {
				t.Fatalf("%s is not installed (WARROOM_REQUIRE_SSH=1)", n)
			}
			t.Skipf("%s is not installed", n)
		}
		paths = append(paths, p)
	}
	return paths
}

// opensshFiles writes k's private key and a known_hosts file naming the server.
func (f *fixture) opensshFiles(priv any) (keyPath, knownHosts string) {
	f.t.Helper()
	block, err := gossh.MarshalPrivateKey(priv, "test")
	if err != nil {
		f.t.Fatal(err)
	}
	keyPath = filepath.Join(f.dir, "id_ed25519")
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(block), 0o600); err != nil {
		f.t.Fatal(err)
	}
	port := f.addr[strings.LastIndex(f.addr, ":")+1:]
	knownHosts = filepath.Join(f.dir, "known_hosts")
	line := fmt.Sprintf("[127.0.0.1]:%s %s", port, gossh.MarshalAuthorizedKey(f.hostPub))
	if err := os.WriteFile(knownHosts, []byte(line), 0o600); err != nil {
		f.t.Fatal(err)
	}
	return keyPath, knownHosts
}

func sshArgs(f *fixture, keyPath, knownHosts, user string) []string {
	port := f.addr[strings.LastIndex(f.addr, ":")+1:]
	return []string{"-F", "/dev/null", "-p", port, "-i", keyPath, "-o", "IdentitiesOnly=yes",
		"-o", "UserKnownHostsFile=" + knownHosts, "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
		user + "@127.0.0.1"}
}

func TestOpenSSHClientEndToEnd(t *testing.T) {
	tools := needTools(t, "ssh", "tmux")
	sshBin, tmuxBin := tools[0], tools[1]
	op, priv := newKeyWithPrivate(t, "alice")
	viewer := newKey(t, "bob")
	f := start(t, keysConfig([]testKey{op}, []testKey{viewer}), Options{})
	keyPath, knownHosts := f.opensshFiles(priv)

	// `ssh host check` through the real client prints the check report.
	rep := app.Report(f.app.Config.Title, f.app.Board.Snapshot(), f.app.Sheet.View(), time.Now())
	var table bytes.Buffer
	_ = rep.WriteTable(&table)
	cmd := exec.Command(sshBin, append(sshArgs(f, keyPath, knownHosts, "alice"), "check")...)
	out, err := cmd.Output()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != app.ExitCode(rep.Status) || string(out) != table.String() {
		t.Fatalf("ssh check: %v, exit %v, printed\n%s\nwant\n%s", err, cmd.ProcessState, out, table.String())
	}

	// The board in tmux at 120×40, read off tmux's own screen.
	socket := fmt.Sprintf("warroom-test-%d", os.Getpid())
	tmux := func(args ...string) string {
		c := exec.Command(tmuxBin, append([]string{"-L", socket, "-f", "/dev/null"}, args...)...)
		c.Env = append(os.Environ(), "TMUX=")
		b, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v: %s", args, err, b)
		}
		return string(b)
	}
	line := shellQuote(append([]string{sshBin}, sshArgs(f, keyPath, knownHosts, "alice")...))
	tmux("new-session", "-d", "-x", "120", "-y", "40", line+"; echo SSH-EXIT=$?; sleep 30")
	t.Cleanup(func() { _ = exec.Command(tmuxBin, "-L", socket, "kill-server").Run() })
	screen := func() string { return tmux("capture-pane", "-p") }
	waitScreen := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			s := screen()
			if strings.Contains(s, want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("tmux never showed %q; it shows:\n%s", want, s)
			}
		}
	}
	waitScreen("RUNSHEET")
	waitScreen("○ announce")
	bob := f.board("bob", viewer, 120, 40)
	bob.waitFor("watching: 2 (alice, bob (viewer))", frameWait)
	tmux("send-keys", "s")
	waitScreen("start announce recorded")
	bob.waitFor("▶ announce", frameWait)
	// Ctrl+C while a checkpoint runs asks first; y ends this session only.
	tmux("send-keys", "C-c")
	waitScreen("Quit warroom?")
	tmux("send-keys", "y")
	waitScreen("SSH-EXIT=0")
	bob.waitFor("watching: 1 (bob (viewer))", frameWait)
	if s := screen(); strings.Contains(s, "RUNSHEET") {
		t.Fatalf("the board is still on the terminal after quitting:\n%s", s)
	}
}

func shellQuote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
