package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitSaid waits (at most 15 s) until out matches re, and returns re's first group; what
// says what was awaited when it never comes.
func waitSaid(t *testing.T, out *lockedBuffer, re *regexp.Regexp, what string) string {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s:\n%s", what, out)
		}
	}
}

// TestServeSIGTERMEndsSessionsAndKeepsTheJournal runs `warroom serve`, lets an operator start
// a checkpoint over SSH, then sends the process SIGTERM: the session must be told and end with
// status 0, the command must return cleanly and the journal must hold the transition.
func TestServeSIGTERMEndsSessionsAndKeepsTheJournal(t *testing.T) {
	dir := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := gossh.NewSignerFromKey(priv)
	pub := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))
	cfgPath := filepath.Join(dir, "warroom.yaml")
	cfg := fmt.Sprintf(`title: SIGTERM test
ssh:
  host_key: host_ed25519
  operators: ["%s alice"]
runsheet:
  journal: cutover.journal
  checkpoints:
    - id: announce
      title: Announce
`, pub)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	root := newRoot()
	stderr := &lockedBuffer{}
	root.SetErr(stderr)
	root.SetOut(stderr)
	root.SetArgs([]string{"serve", "-c", cfgPath, "--listen", "127.0.0.1:0", "--log", filepath.Join(dir, "serve.log")})
	returned := make(chan error, 1)
	go func() { returned <- root.Execute() }()

	addr := waitSaid(t, stderr, regexp.MustCompile(`on (127\.0\.0\.1:\d+) — host key`), "serve never said where it listens")
	info, err := os.Stat(filepath.Join(dir, "host_ed25519"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("host key: %v, mode %v", err, info.Mode())
	}
	conn, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "alice", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var sessErr lockedBuffer
	sess.Stdout, sess.Stderr = &lockedBuffer{}, &sessErr
	in, _ := sess.StdinPipe()
	if err := sess.RequestPty("xterm", 40, 120, nil); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(dir, "cutover.journal")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		data, _ := os.ReadFile(journal)
		if bytes.Contains(data, []byte(`"action":"start"`)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the operator's start never reached the journal")
		}
		in.Write([]byte("s"))
		time.Sleep(200 * time.Millisecond)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-returned:
		if err != nil {
			t.Fatalf("serve returned %v after SIGTERM; stderr:\n%s", err, stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30 s of SIGTERM")
	}
	err = sess.Wait()
	var ee *gossh.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitStatus() == 0) {
		t.Fatalf("the session ended with %v, want exit status 0", err)
	}
	if !strings.Contains(sessErr.String(), "the server is shutting down") {
		t.Fatalf("the session was told %q", sessErr.String())
	}
	if !strings.Contains(stderr.String(), "server stopped; every session ended") {
		t.Fatalf("serve said:\n%s", stderr)
	}
	data, _ := os.ReadFile(journal)
	if n := bytes.Count(data, []byte("\n")); n < 1 || !bytes.Contains(data, []byte(`"by":"ssh:alice SHA256:`)) {
		t.Fatalf("journal after SIGTERM:\n%s", data)
	}
}
