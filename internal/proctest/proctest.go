// Package proctest runs a database server process for the tests and `warroom lab`
// (sources/mysql/mariadbtest, sources/postgres/pgtest): started, waited for until it answers,
// signalled and waited for until it exits, with the end of its log for error messages. How
// each server is started, asked whether it is ready, and how its process group is signalled
// stay with the server's own package.
package proctest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// readyWithin is how long a started server has to answer.
const readyWithin = 30 * time.Second

// Proc is one server process, started again after it ended if need be. Its methods are for
// one goroutine at a time.
type Proc struct {
	Name string // the server's name in errors
	Log  string // its log file, for LogTail
	// Signal sends sig to the server (its process group, or its descendants: the server
	// package knows which).
	Signal func(cmd *exec.Cmd, sig syscall.Signal)

	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

// Started reports whether a process was started and not seen to end since.
func (p *Proc) Started() bool { return p.cmd != nil }

// Start starts cmd as the server's process.
func (p *Proc) Start(cmd *exec.Cmd) error {
	if p.cmd != nil {
		return fmt.Errorf("%s: already running", p.Name)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: start %s: %w", p.Name, cmd.Path, err)
	}
	done := make(chan struct{})
	p.cmd, p.done = cmd, done
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	return nil
}

// WaitReady calls ready (each call bounded by 2 s) every 100 ms until it succeeds, the
// process exits (what names the program in that error), ctx ends or 30 s pass; in the last
// two cases the process is killed.
func (p *Proc) WaitReady(ctx context.Context, what string, ready func(context.Context) error) error {
	deadline := time.Now().Add(readyWithin)
	var err error
	for time.Now().Before(deadline) {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err = ready(cctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-p.done:
			p.cmd = nil
			return fmt.Errorf("%s: %s exited: %s", p.Name, what, p.LogTail())
		case <-ctx.Done():
			_ = p.Kill()
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	_ = p.Kill()
	return fmt.Errorf("%s: not ready after %v: %v: %s", p.Name, readyWithin, err, p.LogTail())
}

// Kill kills the server at once (a crash) and waits for it to exit.
func (p *Proc) Kill() error { return p.SignalWait(syscall.SIGKILL, 10*time.Second) }

// Stop shuts the server down with sig (its clean shutdown), killing it after 20 s.
func (p *Proc) Stop(sig syscall.Signal) error {
	if err := p.SignalWait(sig, 20*time.Second); err != nil {
		return p.Kill()
	}
	return nil
}

// SignalWait sends sig and waits up to wait for the process to exit.
func (p *Proc) SignalWait(sig syscall.Signal, wait time.Duration) error {
	if p.cmd == nil {
		return nil
	}
	p.Signal(p.cmd, sig)
	select {
	case <-p.done:
		p.cmd = nil
		return nil
	case <-time.After(wait):
		return fmt.Errorf("%s: still running %s after %v", p.Name, sig, wait)
	}
}

// Running reports whether the process is alive.
func (p *Proc) Running() bool {
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// LogTail is the end of the server's log (1500 bytes), for error messages.
func (p *Proc) LogTail() string {
	b, err := os.ReadFile(p.Log)
	if err != nil {
		return "(no log)"
	}
	return Tail(string(b), 1500)
}

// Tail is the last n bytes of s, trimmed, with "…" when cut.
func Tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}

// FreePort asks the kernel for a free loopback port.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, fmt.Errorf("unexpected listener address %v", l.Addr())
	}
	return addr.Port, nil
}
