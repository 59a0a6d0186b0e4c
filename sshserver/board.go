package sshserver

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/warroom-dev/warroom/tui"
)

// sessionFPS caps how often a session's screen is flushed. A board changes a few times a
// second; over a network 20 frames a second look as smooth as 60 and cost a third of the
// wake-ups per session.
const sessionFPS = 20

// boardSession is one person's board: a Bubble Tea program of its own, fed by the board's
// subscription inside tui.Model. Nothing the server shares ever waits on it.
type boardSession struct {
	s    *Server
	sess ssh.Session
	id   Identity
	p    *tea.Program
	in   *inputReader
	out  *outputWriter

	reasonOnce  sync.Once
	reason      string // why the server ended it, told after the terminal is restored
	clampLogged bool   // the log said once that this session's window was clamped
}

// runBoard runs the board for a session with a PTY until the person quits (q, ctrl+c), the
// connection drops, the session idles out, its client stalls, or the server shuts down.
func (s *Server) runBoard(sess ssh.Session, id Identity, pty ssh.Pty, winch <-chan ssh.Window) {
	env := sess.Environ()
	deps := tui.Deps{
		Board: s.app.Board, Sheet: s.app.Sheet.View, Apply: s.applyFor(id), Check: s.app.Sheet.Check,
		Title: s.app.Config.Title, Window: s.app.Window, Role: id.Role, User: id.Journal(),
		Watchers: s.watch.list, Now: s.opt.Now, Loc: location(envValue(env, "TZ")),
		NoColor: tui.NoColorFromEnv(env),
	}
	s.replayDeps(&deps, id) // replay.go
	m := tui.New(deps)
	defer m.Close()
	b := &boardSession{s: s, sess: sess, id: id, in: &inputReader{r: sess}}
	b.in.touch(time.Now())
	out := &outputWriter{w: sess, stall: s.opt.StallTimeout, onStall: b.stalled, total: &s.payload, gone: make(chan struct{})}
	b.out = out
	size := clampWindow(pty.Window.Width, pty.Window.Height)
	opts := append(bubbletea.MakeOptions(sess),
		tea.WithInput(b.in), tea.WithOutput(out), tea.WithoutSignalHandler(), tea.WithFPS(sessionFPS),
		tea.WithContext(sess.Context()), tea.WithWindowSize(size.drawW, size.drawH))
	var board tea.Model = m
	if s.opt.wrapModel != nil {
		board = s.opt.wrapModel(board)
	}
	b.p = tea.NewProgram(newSessionModel(board, size, b.panicked), opts...)

	leave := s.watch.join(id.Watcher(), id.Role, "over ssh")
	defer leave() // if the board panics; otherwise it has left before the client is told
	s.log.Info("board opened", "user", id.User, "key", id.Fingerprint, "role", id.Role.String(),
		"term", pty.Term, "size", fmt.Sprintf("%dx%d", pty.Window.Width, pty.Window.Height),
		"drawn", fmt.Sprintf("%dx%d", size.drawW, size.boardH), "from", sess.RemoteAddr().String())
	done := make(chan struct{})
	supervised := make(chan struct{})
	go func() { defer close(supervised); b.supervise(winch, done) }()
	_, err := b.p.Run()
	close(done)
	<-supervised
	leave() // the board is gone: the watchers and the event log say so before the client hears it
	// charm.land/ssh hands every window change to this channel and blocks the session's
	// requests until it is taken: keep taking them until the session's requests end.
	go func() {
		for range winch {
		}
	}()
	s.log.Info("board closed", "user", id.User, "key", id.Fingerprint, "bytes", out.sent.Load(), "why", b.why(err))
	if b.reason != "" {
		fmt.Fprintf(sess.Stderr(), "\r\nwarroom: %s\r\n", b.reason)
	}
	_ = sess.Exit(0)
}

// supervise passes window changes to the program and ends it when the server shuts down, the
// person idles out or the client goes away (its channel no longer takes output: the end of
// its input alone is no reason, as `ssh -tt host < /dev/null` on a wall screen shows). It never blocks the server: a Send to a stalled
// program waits only here, and ends with the program.
func (b *boardSession) supervise(winch <-chan ssh.Window, done <-chan struct{}) {
	idle := b.s.cfg.IdleTimeout.D()
	timer := time.NewTimer(idle)
	defer timer.Stop()
	for {
		select {
		case <-done:
			return
		case w, ok := <-winch:
			if !ok {
				winch = nil
				continue
			}
			b.resize(w)
		case <-b.s.closing:
			b.end("the server is shutting down; the journal has every change")
			return
		case <-b.out.gone:
			b.end("")
			return
		case now := <-timer.C:
			if left := idle - now.Sub(b.in.last()); left > 0 {
				timer.Reset(left)
				continue
			}
			b.end(fmt.Sprintf("closed after %s without a key press (ssh.idle_timeout)", idle))
			return
		}
	}
}

// resize passes a window change on, clamped to MaxWidth×MaxHeight (the first time a
// session is clamped, the log says so).
func (b *boardSession) resize(w ssh.Window) {
	size := clampWindow(w.Width, w.Height)
	if size.clamped() && !b.clampLogged {
		b.clampLogged = true
		b.s.log.Info("window clamped", "user", b.id.User, "key", b.id.Fingerprint,
			"size", fmt.Sprintf("%dx%d", w.Width, w.Height), "drawn", fmt.Sprintf("%dx%d", size.drawW, size.boardH))
	}
	b.p.Send(askedSizeMsg(size))
	b.p.Send(tea.WindowSizeMsg{Width: size.drawW, Height: size.drawH})
}

// panicked ends a session whose board panicked; the server and every other session go on.
func (b *boardSession) panicked(what string, r any, stack []byte) {
	b.s.log.Error("the board panicked; this session is closed, the others go on", "user", b.id.User,
		"key", b.id.Fingerprint, "in", what, "panic", fmt.Sprint(r), "stack", string(stack))
	b.end("the board hit an internal error and closed this session (the server log has the details); " +
		"reconnect to watch again")
}

// end asks the program to quit, restoring the terminal, and remembers why.
func (b *boardSession) end(reason string) {
	b.reasonOnce.Do(func() { b.reason = reason })
	go b.p.Quit() // returns when the program takes it or has ended
}

// stalled ends a session whose client took no output for StallTimeout: it closes the
// connection, which is the only thing that frees a write the client will not read.
func (b *boardSession) stalled() {
	b.s.log.Warn("client took no output; connection closed", "user", b.id.User, "key", b.id.Fingerprint,
		"after", b.s.opt.StallTimeout)
	if c, ok := b.sess.Context().Value(ssh.ContextKeyConn).(gossh.Conn); ok {
		_ = c.Close()
	}
}

func (b *boardSession) why(err error) string {
	switch {
	case b.reason != "":
		return b.reason
	case err != nil:
		return err.Error()
	}
	return "quit"
}

// location is the client's TZ if it sent one (SendEnv TZ), else the server's.
func location(tz string) *time.Location {
	if tz == "" || len(tz) > 64 {
		return nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil
	}
	return loc
}

// inputReader notes when the person last typed.
type inputReader struct {
	r       io.Reader
	lastKey atomic.Int64
}

func (in *inputReader) Read(p []byte) (int, error) {
	n, err := in.r.Read(p)
	if n > 0 {
		in.touch(time.Now())
	}
	return n, err
}

func (in *inputReader) touch(t time.Time) { in.lastKey.Store(t.UnixNano()) }
func (in *inputReader) last() time.Time   { return time.Unix(0, in.lastKey.Load()) }

// outputWriter counts a session's output, calls onStall when one write has waited for the
// client longer than stall, and closes gone when the channel no longer takes output.
type outputWriter struct {
	w        io.Writer
	stall    time.Duration
	onStall  func()
	sent     atomic.Int64
	total    *atomic.Int64
	gone     chan struct{}
	goneOnce sync.Once
}

func (o *outputWriter) Write(p []byte) (int, error) {
	t := time.AfterFunc(o.stall, o.onStall)
	n, err := o.w.Write(p)
	t.Stop()
	o.sent.Add(int64(n))
	o.total.Add(int64(n))
	if err != nil {
		o.goneOnce.Do(func() { close(o.gone) })
	}
	return n, err
}
