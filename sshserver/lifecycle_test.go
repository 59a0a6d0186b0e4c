package sshserver

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/tui"
)

func TestShutdownEndsSessionsAndLosesNoTransition(t *testing.T) {
	op, viewer := newKey(t, "alice"), newKey(t, "bob")
	f := start(t, keysConfig([]testKey{op}, []testKey{viewer}), Options{})
	alice := f.board("alice", op, 120, 40)
	bob := f.board("bob", viewer, 120, 40)
	alice.waitFor("○ announce", frameWait)
	bob.waitFor("○ announce", frameWait)

	// An operator's transitions keep coming while the server shuts down: every one that was
	// reported as recorded must be in the journal, and none may be half-written.
	apply := f.srv.applyFor(Identity{User: "script", Role: tui.Operator, Fingerprint: op.fp})
	var recorded atomic.Int64
	var refusedAtExit error
	done := make(chan struct{})
	go func() {
		defer close(done)
		actions := [2]runsheet.Action{runsheet.Start, runsheet.Reopen}
		for i := 0; i < 100000; i++ {
			err := apply(t.Context(), runsheet.Transition{Checkpoint: "announce", Action: actions[i%2]})
			if err == nil {
				recorded.Add(1)
				continue
			}
			if strings.Contains(err.Error(), "shutting down") {
				refusedAtExit = err
				return
			}
			t.Errorf("transition %d: %v", i, err)
			return
		}
	}()
	for wait := time.Now().Add(10 * time.Second); recorded.Load() < 5; {
		if time.Now().After(wait) {
			t.Fatalf("only %d transitions recorded in 10 s", recorded.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := f.stop(); err != nil {
		t.Fatalf("Serve returned %v", err)
	}
	<-done
	if refusedAtExit == nil {
		t.Fatal("transitions were still accepted after the server stopped")
	}
	for name, c := range map[string]*client{"alice": alice, "bob": bob} {
		if code := c.exit(5 * time.Second); code != 0 {
			t.Fatalf("%s: exit status %d, want 0", name, code)
		}
		if msg := c.stderr.String(); !strings.Contains(msg, "the server is shutting down") {
			t.Fatalf("%s was told %q", name, msg)
		}
	}
	var journaled int64
	for _, line := range f.journalLines() {
		var tr runsheet.Transition
		if err := json.Unmarshal([]byte(line), &tr); err != nil {
			t.Fatalf("journal line %q: %v", line, err)
		}
		if strings.HasPrefix(tr.By, "ssh:script ") {
			journaled++
		}
	}
	if journaled != recorded.Load() {
		t.Fatalf("%d transitions were reported recorded, the journal holds %d", recorded.Load(), journaled)
	}
	t.Logf("%d transitions recorded and journaled across the shutdown", journaled)
	if st := f.srv.Stats(); st.Sessions != 0 || st.Watchers != 0 {
		t.Fatalf("after shutdown: %+v", st)
	}
}

// gatedConn is a client connection whose reading can be stopped, like a client whose
// terminal froze or whose network stopped draining.
type gatedConn struct {
	net.Conn
	stalled atomic.Bool
	release chan struct{}
	once    sync.Once
}

func (g *gatedConn) Read(p []byte) (int, error) {
	if g.stalled.Load() {
		<-g.release
	}
	return g.Conn.Read(p)
}

func (g *gatedConn) free() { g.once.Do(func() { close(g.release) }) }

// smallBuffer is the socket buffer size on both ends of the stall test's connections, so that
// a stalled reader holds up the server's writes after tens of kilobytes rather than the
// megabytes loopback TCP buffers by default: on a loaded machine a session repaints slowly,
// and filling those took longer than the test's minute.
const smallBuffer = 16 << 10

// smallSendBuffers sets each accepted connection's send buffer to smallBuffer.
type smallSendBuffers struct{ net.Listener }

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		err = tc.SetWriteBuffer(smallBuffer)
	}
	return c, err
}

func (f *fixture) dialGated(user string, k testKey) (*gossh.Client, *gatedConn) {
	f.t.Helper()
	raw, err := net.Dial("tcp", f.addr)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := raw.(*net.TCPConn).SetReadBuffer(smallBuffer); err != nil {
		f.t.Fatal(err)
	}
	g := &gatedConn{Conn: raw, release: make(chan struct{})}
	c, chans, reqs, err := gossh.NewClientConn(g, f.addr, &gossh.ClientConfig{
		User: user, Auth: []gossh.AuthMethod{gossh.PublicKeys(k.signer)}, HostKeyCallback: gossh.FixedHostKey(f.hostPub),
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return gossh.NewClient(c, chans, reqs), g
}

// stallTimeout is the stall test's StallTimeout. It must exceed frameWait by more than one
// round of the test's loop: were the others held up by the stalled client, the first change
// after its writes blocked would show only once it was cut off, StallTimeout later, and so
// its wait (frameWait) would fail.
const stallTimeout = frameWait + 5*time.Second

func TestStalledClientDoesNotStallTheBoardOrOthers(t *testing.T) {
	op, viewer := newKey(t, "alice"), newKey(t, "bob")
	f := startListening(t, keysConfig([]testKey{op}, []testKey{viewer}), Options{StallTimeout: stallTimeout},
		func(ln net.Listener) net.Listener { return smallSendBuffers{ln} })
	active := f.board("bob", viewer, 120, 40)
	conn, gate := f.dialGated("frozen", viewer)
	frozen := openBoard(t, conn, 300, 100)
	t.Cleanup(gate.free) // runs before frozen's close, which needs to read
	active.waitFor("○ announce", frameWait)
	frozen.waitFor("○ announce", frameWait)
	gate.stalled.Store(true)

	// The frozen client's screen keeps changing size, so the server owes it a repaint a frame,
	// far more than the SSH window and the sockets hold; the board keeps changing too.
	stop := make(chan struct{})
	var slowest atomic.Int64
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(15 * time.Millisecond):
			}
			_ = frozen.sess.WindowChange(100-5*(i%2), 300-7*(i%2))
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			began := time.Now()
			f.app.Board.AddEvent(board.Event{Status: sources.OK, Kind: "test", Text: fmt.Sprintf("event %d", i)})
			if d := int64(time.Since(began)); d > slowest.Load() {
				slowest.Store(d)
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()

	apply := f.srv.applyFor(Identity{User: "alice", Role: tui.Operator, Fingerprint: op.fp})
	marks := [2]struct {
		action runsheet.Action
		shows  string
	}{{runsheet.Start, "▶ announce"}, {runsheet.Reopen, "○ announce"}}
	deadline := time.Now().Add(60*time.Second + stallTimeout)
	var slowestShown time.Duration
	for i := 0; !strings.Contains(f.logs.String(), "client took no output"); i++ {
		if time.Now().After(deadline) {
			t.Fatalf("the frozen client was never found stalled; server log:\n%s", f.logs)
		}
		if i%10 == 0 {
			t.Logf("stats %+v", f.srv.Stats())
		}
		m := marks[i%2]
		applied := time.Now()
		if err := apply(t.Context(), runsheet.Transition{Checkpoint: "announce", Action: m.action}); err != nil {
			t.Fatal(err)
		}
		active.waitFor(m.shows, frameWait)
		slowestShown = max(slowestShown, time.Since(applied))
		time.Sleep(200 * time.Millisecond) // wall time: paces changes while the server's own stall timer runs out on real sockets
	}
	t.Logf("slowest change to reach the other session while a client stalled: %s", slowestShown.Round(time.Millisecond))
	// The stalled session is gone; the other keeps following the board.
	for f.srv.Stats().Sessions != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := f.srv.Stats().Sessions; n != 1 {
		t.Fatalf("%d sessions open after the stall, want 1", n)
	}
	active.waitFor("watching: 1 (bob (viewer))", frameWait)
	// Well under stallTimeout, which an event held up by the stalled client would take.
	if d := time.Duration(slowest.Load()); d > stallTimeout/3 {
		t.Fatalf("adding a board event took %s while a client was stalled", d)
	}
	t.Logf("slowest board event while a client was stalled: %s", time.Duration(slowest.Load()))
}

func TestWatchersAndJoinLeaveEvents(t *testing.T) {
	op, viewer := newKey(t, "alice"), newKey(t, "bob")
	f := start(t, keysConfig([]testKey{op}, []testKey{viewer}), Options{})
	leave := f.srv.Join("root (local)")
	bob := f.board("bob", viewer, 200, 50)
	// Two connections join in no set order: alice dials once bob's board is up.
	bob.waitFor("watching: 2 (root (local), bob (viewer))", frameWait)
	alice := f.board("alice", op, 200, 50)
	bob.waitFor("watching: 3 (root (local), alice, +1)", frameWait)
	if got := strings.Join(f.srv.Watchers(), "|"); got != "root (local)|alice|bob (viewer)" {
		t.Fatalf("watchers = %q", got)
	}
	alice.press("q")
	alice.exit(5 * time.Second)
	leave()
	bob.waitFor("watching: 1 (bob (viewer))", frameWait)
	var texts []string
	for _, e := range f.app.Board.Snapshot().Events {
		if e.Kind == "watch" {
			texts = append(texts, e.Text)
		}
	}
	want := []string{"root (local) joined at the server's terminal as operator", "bob (viewer) joined over ssh as viewer",
		"alice joined over ssh as operator", "alice left after", "root (local) left after"}
	if len(texts) != len(want) {
		t.Fatalf("watch events %q, want %d", texts, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(texts[i], w) {
			t.Fatalf("watch event %d = %q, want it to start %q", i, texts[i], w)
		}
	}
}

func TestEndOfInputKeepsTheBoardAndAClosedChannelEndsIt(t *testing.T) {
	viewer := newKey(t, "wall")
	f := start(t, keysConfig(nil, []testKey{viewer}), Options{})
	conn, err := f.dial("wall", gossh.PublicKeys(viewer.signer))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Like `ssh -tt host < /dev/null` on a wall screen: no stdin, so the client sends EOF.
	sess, err := conn.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	scr := newScreen(120, 40)
	sess.Stdout = scr
	if err := sess.RequestPty("xterm", 40, 120, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, scr: scr}
	c.waitFor("RUNSHEET", frameWait)
	apply := f.srv.applyFor(Identity{User: "alice", Role: tui.Operator, Fingerprint: "SHA256:x"})
	if err := apply(t.Context(), runsheet.Transition{Checkpoint: "announce", Action: runsheet.Start}); err != nil {
		t.Fatal(err)
	}
	c.waitFor("▶ announce", frameWait) // still following the board after its input ended

	// Closing the session's channel, with the connection kept (as a multiplexing client
	// does), ends the board on the server.
	sess.Close()
	deadline := time.Now().Add(5 * time.Second)
	for f.srv.Stats().Sessions != 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := f.srv.Stats().Sessions; n != 0 {
		t.Fatalf("%d sessions still open after the client closed its channel", n)
	}
	if got := f.srv.Stats().Connections; got != 1 {
		t.Fatalf("%d connections open, want the client's one", got)
	}
}
