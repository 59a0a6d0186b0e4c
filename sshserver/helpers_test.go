package sshserver

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	gossh "golang.org/x/crypto/ssh"

	"github.com/warroom-dev/warroom/app"
	"github.com/warroom-dev/warroom/config"
)

// TestMain checks for leaked goroutines once the tests pass. A Bubble Tea tick command
// outlives its program by up to a second (it cannot be cancelled), so the check looks again
// until nothing is left, for at most 3 s (not a fixed sleep of the longest case).
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		err := goleak.Find()
		for deadline := time.Now().Add(3 * time.Second); err != nil && time.Now().Before(deadline); err = goleak.Find() {
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// testKey is a client key pair.
type testKey struct {
	signer gossh.Signer
	line   string // authorized_keys line
	fp     string
}

func newKey(t testing.TB, comment string) testKey {
	t.Helper()
	k, _ := newKeyWithPrivate(t, comment)
	return k
}

func newKeyWithPrivate(t testing.TB, comment string) (testKey, ed25519.PrivateKey) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(signer.PublicKey()))) + " " + comment
	return testKey{signer: signer, line: line, fp: gossh.FingerprintSHA256(signer.PublicKey())}, priv
}

// syncBuffer is a bytes.Buffer safe for concurrent writers and readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fixture is a running server over the demo's board and runsheet (its sources are not
// polled: tests drive the board themselves).
type fixture struct {
	t       testing.TB
	dir     string
	app     *app.App
	srv     *Server
	addr    string
	hostPub gossh.PublicKey
	logs    *syncBuffer
	cancel  context.CancelFunc
	served  chan error
}

func newApp(t testing.TB, dir string) *app.App {
	t.Helper()
	cfg, err := app.LoadDemo(filepath.Join(dir, "cutover.journal"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// start runs a server with cfg (host key in a temp folder unless set).
func start(t testing.TB, cfg config.SSH, opt Options) *fixture {
	t.Helper()
	return startListening(t, cfg, opt, nil)
}

// startListening is start with the server's listener wrapped by wrap (unless nil).
func startListening(t testing.TB, cfg config.SSH, opt Options, wrap func(net.Listener) net.Listener) *fixture {
	t.Helper()
	f := &fixture{t: t, dir: t.TempDir(), logs: &syncBuffer{}, served: make(chan error, 1)}
	f.app = newApp(t, f.dir)
	t.Cleanup(func() { f.app.Close() })
	if cfg.HostKey == "" {
		cfg.HostKey = filepath.Join(f.dir, "host_ed25519")
	}
	opt.Listen = "127.0.0.1:0"
	opt.Log = slog.New(slog.NewTextHandler(f.logs, nil))
	if opt.Grace == 0 {
		opt.Grace = 2 * time.Second
	}
	srv, err := New(f.app, cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	if wrap != nil {
		srv.ln = wrap(srv.ln)
	}
	f.srv, f.addr = srv, srv.Addr().String()
	f.hostPub = srv.signer.PublicKey()
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	go func() { f.served <- srv.Serve(ctx) }()
	t.Cleanup(func() { f.stop() })
	return f
}

// stop shuts the server down and returns Serve's error (once; later calls return nil).
func (f *fixture) stop() error {
	f.cancel()
	select {
	case err, ok := <-f.served:
		if ok {
			close(f.served)
		}
		return err
	case <-time.After(30 * time.Second):
		f.t.Errorf("server did not stop within 30 s")
		return errors.New("timeout")
	}
}

// dial logs in with key as user.
func (f *fixture) dial(user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", f.addr, &gossh.ClientConfig{
		User: user, Auth: auth, HostKeyCallback: gossh.FixedHostKey(f.hostPub), Timeout: 10 * time.Second,
	})
}

// client is one SSH session on the board, with a screen that follows its output.
type client struct {
	t      testing.TB
	conn   *gossh.Client
	sess   *gossh.Session
	in     io.WriteCloser
	scr    *screen
	stderr *syncBuffer
	read   chan struct{} // closed when the output ends
}

// board opens a PTY session of w×h as user with key.
func (f *fixture) board(user string, k testKey, w, h int) *client {
	f.t.Helper()
	conn, err := f.dial(user, gossh.PublicKeys(k.signer))
	if err != nil {
		f.t.Fatalf("dial as %s: %v", user, err)
	}
	return openBoard(f.t, conn, w, h)
}

func openBoard(t testing.TB, conn *gossh.Client, w, h int) *client {
	t.Helper()
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, conn: conn, sess: sess, scr: newScreen(w, h), stderr: &syncBuffer{}, read: make(chan struct{})}
	sess.Stderr = c.stderr
	out, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if c.in, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() { defer close(c.read); _, _ = io.Copy(c.scr, out) }()
	t.Cleanup(c.close)
	return c
}

// frameWait bounds every wait for a screen to show something. A board change is drawn on
// the next whole-second tick (tui draws the board once a second), then flushed within one
// renderer frame and sent over SSH: about a second on a quiet machine, several on a loaded
// 2-core CI machine with the race detector on. Waits poll and return as soon as the screen
// shows what they wait for, so a generous bound costs nothing when things work.
const frameWait = 10 * time.Second

// waitFor waits until the screen shows want, or fails showing the screen.
func (c *client) waitFor(want string, within time.Duration) {
	c.t.Helper()
	if !c.eventually(func(s string) bool { return strings.Contains(s, want) }, within) {
		c.t.Fatalf("screen never showed %q within %s; it shows:\n%s", want, within, c.scr.text())
	}
}

// eventually polls the screen until ok holds or within passes.
func (c *client) eventually(ok func(string) bool, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for {
		if ok(c.scr.text()) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (c *client) press(keys string) {
	c.t.Helper()
	if _, err := c.in.Write([]byte(keys)); err != nil {
		c.t.Fatalf("send keys: %v", err)
	}
}

// exit waits for the session's end and returns its exit status (-1 without one).
func (c *client) exit(within time.Duration) int {
	c.t.Helper()
	done := make(chan error, 1)
	go func() { done <- c.sess.Wait() }()
	select {
	case err := <-done:
		var ee *gossh.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitStatus()
		}
		return -1
	case <-time.After(within):
		c.t.Fatalf("session did not end within %s; screen:\n%s", within, c.scr.text())
		return -1
	}
}

func (c *client) close() {
	c.sess.Close()
	c.conn.Close()
	<-c.read
}

// exec runs a command without a PTY and returns stdout, stderr and the exit status.
func (f *fixture) exec(user string, k testKey, cmd string) (string, string, int) {
	f.t.Helper()
	conn, err := f.dial(user, gossh.PublicKeys(k.signer))
	if err != nil {
		f.t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		f.t.Fatal(err)
	}
	defer sess.Close()
	var out, errOut bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errOut
	err = sess.Run(cmd)
	code := 0
	var ee *gossh.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitStatus()
	case err != nil:
		f.t.Fatalf("run %q: %v", cmd, err)
	}
	return out.String(), errOut.String(), code
}

// journalLines returns the journal's lines.
func (f *fixture) journalLines() []string {
	data, err := os.ReadFile(filepath.Join(f.dir, "cutover.journal"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		f.t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// keysConfig lists the operator and viewer keys inline.
func keysConfig(ops, viewers []testKey) config.SSH {
	var cfg config.SSH
	for _, k := range ops {
		cfg.Operators = append(cfg.Operators, k.line)
	}
	for _, k := range viewers {
		cfg.Viewers = append(cfg.Viewers, k.line)
	}
	return cfg
}
