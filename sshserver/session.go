package sshserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"charm.land/ssh"

	"github.com/warroom-dev/warroom/app"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sanitize"
	"github.com/warroom-dev/warroom/tui"
)

// Exit statuses of sessions that are turned away.
const (
	exitRefused = 1
	exitUsage   = 2
)

// handle is every session's entry: who is it, is there room, and what did they ask for.
func (s *Server) handle(sess ssh.Session) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("a session panicked; it is closed, the others go on", "user", sess.User(),
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			s.refuse(sess, exitRefused, "an internal error closed this session (the server log has the details)")
		}
	}()
	id, ok := s.identify(sess)
	if !ok {
		s.refuse(sess, exitRefused, "your key is no longer listed for this board: ask whoever runs "+
			"the cutover to add it to ssh.operators or ssh.viewers")
		return
	}
	select {
	case <-s.closing:
		s.refuse(sess, exitRefused, "the server is shutting down")
		return
	default:
	}
	if !s.sessions.enter(s.cfg.MaxSessions) {
		s.log.Warn("session refused: the board is full (ssh.max_sessions)", "user", id.User, "max", s.cfg.MaxSessions)
		s.refuse(sess, exitRefused, fmt.Sprintf("the board is full: %d sessions are open (ssh.max_sessions); "+
			"try again later or watch from someone's screen", s.cfg.MaxSessions))
		return
	}
	defer s.sessions.leave()
	if sess.RawCommand() != "" {
		s.exec(sess, id)
		return
	}
	pty, winch, ok := sess.Pty()
	if !ok {
		s.refuse(sess, exitRefused, "the board needs a terminal: connect with `ssh -t`, or run `check` "+
			"(ssh -p PORT HOST check) for a plain report")
		return
	}
	s.runBoard(sess, id, pty, winch)
}

// refuse tells a session why in one line on its stderr and ends it.
func (s *Server) refuse(sess ssh.Session, code int, why string) {
	fmt.Fprintf(sess.Stderr(), "warroom: %s\n", why)
	_ = sess.Exit(code)
}

// exec answers a command instead of the board: only `check`, read-only, for both roles.
func (s *Server) exec(sess ssh.Session, id Identity) {
	args := sess.Command()
	asJSON := false
	switch {
	case len(args) == 1 && args[0] == "check":
	case len(args) == 2 && args[0] == "check" && args[1] == "--json":
		asJSON = true
	default:
		cmd := []rune(sanitize.Line(sess.RawCommand()))
		if len(cmd) > 60 {
			cmd = append(cmd[:60], '…')
		}
		s.refuse(sess, exitUsage, fmt.Sprintf("unknown command %q: over SSH you can run `check` or "+
			"`check --json`, or connect without a command for the board", string(cmd)))
		return
	}
	b, view := s.shown()
	rep := app.Report(s.app.Config.Title, b.Snapshot(), view, s.opt.Now())
	var buf bytes.Buffer
	if asJSON {
		_ = rep.WriteJSON(&buf)
	} else {
		_ = rep.WriteTable(&buf)
	}
	_, _ = sess.Write(buf.Bytes())
	s.log.Info("check", "user", id.User, "key", id.Fingerprint, "role", id.Role.String(), "status", rep.Status)
	_ = sess.Exit(app.ExitCode(rep.Status))
}

// errViewer is what a viewer's attempt to change the runsheet gets, should the board ever
// let one through: the server refuses it too.
var errViewer = errors.New("viewers cannot change checkpoints: this key is listed as a viewer — ask an operator")

// applyFor is the session's way to journal a transition. Operators' transitions carry their
// SSH user and key fingerprint, whatever the board put in By; viewers' are refused.
func (s *Server) applyFor(id Identity) func(context.Context, runsheet.Transition) error {
	if id.Role != tui.Operator {
		return func(context.Context, runsheet.Transition) error { return errViewer }
	}
	by := id.Journal()
	return func(ctx context.Context, t runsheet.Transition) error {
		if !s.applies.enter(0) {
			return errors.New("the server is shutting down: nothing was recorded")
		}
		defer s.applies.leave()
		t.By = by
		err := s.app.Apply(ctx, t)
		if err != nil {
			s.log.Info("transition refused", "by", by, "checkpoint", t.Checkpoint, "action", string(t.Action), "err", err)
			return err
		}
		s.log.Info("transition", "by", by, "checkpoint", t.Checkpoint, "action", string(t.Action))
		return nil
	}
}

// envValue returns KEY's value in a session environment.
func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v
		}
	}
	return ""
}
