package sshserver

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/warroom-dev/warroom/config"
)

func TestMaxSessionsTellsWhyAndCloses(t *testing.T) {
	op := newKey(t, "alice")
	cfg := keysConfig([]testKey{op}, nil)
	cfg.MaxSessions = 2
	f := start(t, cfg, Options{})
	first := f.board("alice", op, 100, 30)
	second := f.board("alice", op, 100, 30)
	first.waitFor("○ announce", frameWait)
	second.waitFor("○ announce", frameWait)

	third := f.board("alice", op, 100, 30)
	if code := third.exit(5 * time.Second); code != exitRefused {
		t.Fatalf("third session exit status %d, want %d", code, exitRefused)
	}
	if msg := third.stderr.String(); !strings.Contains(msg, "the board is full: 2 sessions") || !strings.Contains(msg, "ssh.max_sessions") {
		t.Fatalf("third session was told %q", msg)
	}
	_, errOut, code := f.exec("alice", op, "check")
	if code != exitRefused || !strings.Contains(errOut, "board is full") {
		t.Fatalf("exec beyond the limit: exit %d, %q", code, errOut)
	}

	first.press("q")
	if code := first.exit(5 * time.Second); code != 0 {
		t.Fatalf("quitting the board: exit status %d", code)
	}
	deadline := time.Now().Add(5 * time.Second)
	for f.srv.Stats().Sessions != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	again := f.board("alice", op, 100, 30)
	again.waitFor("○ announce", frameWait)
}

func TestCtrlCEndsOnlyThatSession(t *testing.T) {
	op := newKey(t, "alice")
	f := start(t, keysConfig([]testKey{op}, nil), Options{})
	a := f.board("alice", op, 120, 40)
	b := f.board("alice", op, 120, 40)
	a.waitFor("○ announce", frameWait)
	b.waitFor("watching: 2", frameWait)
	a.press("\x03")
	if code := a.exit(5 * time.Second); code != 0 {
		t.Fatalf("ctrl+c: exit status %d", code)
	}
	b.waitFor("watching: 1", frameWait)
	b.waitFor("alice left after", frameWait)
	b.press("s")
	b.waitFor("start announce recorded", frameWait)
}

func TestIdleSessionIsClosedWithAReason(t *testing.T) {
	op := newKey(t, "alice")
	cfg := keysConfig([]testKey{op}, nil)
	cfg.IdleTimeout = config.Duration(1500 * time.Millisecond)
	f := start(t, cfg, Options{})
	idle := f.board("alice", op, 100, 30)
	busy := f.board("alice", op, 100, 30)
	idle.waitFor("○ announce", frameWait)
	stop := time.After(4 * time.Second)
	ended := make(chan int, 1)
	go func() { ended <- idle.exit(10 * time.Second) }()
	for done := false; !done; {
		select {
		case <-stop:
			done = true
		case <-time.After(300 * time.Millisecond): // wall time: real SSH sessions, the server's own idle timer
			busy.press("j")
		}
	}
	if code := <-ended; code != 0 {
		t.Fatalf("idle session exit status %d", code)
	}
	if msg := idle.stderr.String(); !strings.Contains(msg, "without a key press (ssh.idle_timeout)") {
		t.Fatalf("idle session was told %q", msg)
	}
	busy.waitFor("RUNSHEET", frameWait) // the one typing is still there
	if n := f.srv.Stats().Sessions; n != 1 {
		t.Fatalf("%d sessions open, want the busy one only", n)
	}
}

func TestRateLimitPerAddress(t *testing.T) {
	op := newKey(t, "alice")
	cfg := keysConfig([]testKey{op}, nil)
	cfg.RatePerMinute = 3
	f := start(t, cfg, Options{})
	for i := range 3 {
		conn, err := f.dial("alice", gossh.PublicKeys(op.signer))
		if err != nil {
			t.Fatalf("connection %d: %v", i+1, err)
		}
		conn.Close()
	}
	if _, err := f.dial("alice", gossh.PublicKeys(op.signer)); err == nil {
		t.Fatal("a 4th connection within the minute got in")
	}
	if n := f.srv.Stats().RateLimited; n != 1 {
		t.Fatalf("rate limited %d connections, want 1", n)
	}
	if !strings.Contains(f.logs.String(), "too many new connections") {
		t.Fatalf("rate limiting was not logged:\n%s", f.logs)
	}
}

func TestRateLimiterRefillsAndStaysBounded(t *testing.T) {
	now := time.Unix(1000, 0)
	l := newRateLimiter(60, func() time.Time { return now })
	a := &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 1}
	b := &net.TCPAddr{IP: net.IPv4(10, 0, 0, 2), Port: 2}
	for i := range 60 {
		if ok, _ := l.allow(a); !ok {
			t.Fatalf("attempt %d refused within the burst", i+1)
		}
	}
	ok, first := l.allow(a)
	if ok || !first {
		t.Fatalf("61st attempt: ok=%v first=%v, want refused and first", ok, first)
	}
	if ok, first := l.allow(a); ok || first {
		t.Fatalf("62nd attempt: ok=%v first=%v, want refused, not first", ok, first)
	}
	if ok, _ := l.allow(b); !ok {
		t.Fatal("another address was refused")
	}
	now = now.Add(time.Second)
	if ok, _ := l.allow(a); !ok {
		t.Fatal("a second later one more attempt should be allowed")
	}
	if ok, _ := l.allow(a); ok {
		t.Fatal("only one token refills in a second at 60 a minute")
	}
	for i := range maxTrackedAddrs + 10 {
		l.allow(&net.TCPAddr{IP: net.IPv4(11, byte(i>>16), byte(i>>8), byte(i)), Port: 3})
	}
	if n := len(l.buckets); n > maxTrackedAddrs {
		t.Fatalf("tracking %d addresses, bound is %d", n, maxTrackedAddrs)
	}
}

func TestHostKeyCreatedPrivateAndReused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "host_ed25519")
	signer, created, err := HostKey(path)
	if err != nil || !created {
		t.Fatalf("HostKey on a missing file: created=%v err=%v", created, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Fatalf("created with mode %04o, want 0600", perm)
	}
	if signer.PublicKey().Type() != gossh.KeyAlgoED25519 {
		t.Fatalf("created a %s key, want ed25519", signer.PublicKey().Type())
	}
	again, created, err := HostKey(path)
	if err != nil || created {
		t.Fatalf("HostKey on the existing file: created=%v err=%v", created, err)
	}
	if gossh.FingerprintSHA256(again.PublicKey()) != gossh.FingerprintSHA256(signer.PublicKey()) {
		t.Fatal("the key read back differs from the one created")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("the folder holds %d files, want only the host key", len(entries))
	}
}

func TestHostKeyRefusals(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "host_ed25519")
	if _, _, err := HostKey(path); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o644, 0o660} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, _, err := HostKey(path)
		if err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Fatalf("mode %04o: err = %v, want a refusal naming chmod 600", mode, err)
		}
	}
	os.Chmod(path, 0o600)
	for name, c := range map[string]struct {
		path, want string
	}{
		"no path":        {"", "--host-key"},
		"missing folder": {filepath.Join(dir, "nope", "key"), "create the folder"},
		"a folder":       {dir, "not a regular file"},
	} {
		_, _, err := HostKey(c.path)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("%s: err = %v, want it to mention %q", name, err, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "nope")); !os.IsNotExist(err) {
		t.Fatal("a missing folder was created")
	}
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := HostKey(garbage); err == nil || !strings.Contains(err.Error(), "not a private key") {
		t.Fatalf("garbage: err = %v", err)
	}
}

func TestServerRefusesAnExposedHostKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "host")
	if _, _, err := HostKey(path); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	a := newApp(t, dir)
	defer a.Close()
	cfg := keysConfig([]testKey{newKey(t, "alice")}, nil)
	cfg.HostKey = path
	if _, err := New(a, cfg, Options{Listen: "127.0.0.1:0"}); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("New with a world-readable host key: %v", err)
	}
}

// TestSilentConnectionIsClosed (in a synctest bubble: the idle limit is exact): writes every
// 60 ms keep a connection with a 200 ms idle limit open; it closes 200 ms after the last, not
// a nanosecond before.
func TestSilentConnectionIsClosed(t *testing.T) {
	synctest.Test(t, testSilentConnectionIsClosed)
}

func testSilentConnectionIsClosed(t *testing.T) {
	var wire, open atomic.Int64
	server, client := net.Pipe()
	defer client.Close()
	open.Add(1)
	c := newCountingConn(server, &wire, &open, 200*time.Millisecond)
	// Traffic keeps it open past its idle limit...
	go func() { _, _ = io.Copy(io.Discard, client) }()
	for range 6 {
		time.Sleep(60 * time.Millisecond)
		if _, err := c.Write([]byte("frame")); err != nil {
			t.Fatalf("write while busy: %v", err)
		}
	}
	if wire.Load() != 30 || open.Load() != 1 {
		t.Fatalf("counted %d bytes written, %d open; want 30 and 1", wire.Load(), open.Load())
	}
	// ...silence closes it, at the idle limit.
	time.Sleep(200*time.Millisecond - time.Nanosecond)
	synctest.Wait()
	if open.Load() != 1 {
		t.Fatal("the connection was closed before it had been silent for its idle limit")
	}
	time.Sleep(time.Nanosecond)
	synctest.Wait()
	if open.Load() != 0 {
		t.Fatal("a connection silent for its idle limit was not closed")
	}
	if _, err := c.Write([]byte("x")); err == nil {
		t.Fatal("writing to the closed connection worked")
	}
}
