// Package sshserver serves the board over SSH: every session is its own Bubble Tea program
// with its own size, colours, focus and scroll, all drawn from the one board the server's
// sources feed. Keys decide roles (operators change checkpoints, viewers watch); limits keep
// a crowd, a flood or a stalled client from hurting anyone else.
package sshserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/warroom-dev/warroom/app"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/tui"
)

// Defaults of Options.
const (
	DefaultStallTimeout     = time.Minute
	DefaultGrace            = 5 * time.Second
	DefaultHandshakeTimeout = 30 * time.Second
)

// Options tune a Server beyond its config section.
type Options struct {
	Listen  string // overrides ssh.listen; "127.0.0.1:0" picks a free port
	HostKey string // overrides ssh.host_key
	Log     *slog.Logger
	Now     func() time.Time
	Replay  *Replay // show a recording instead of the live board (replay.go)
	// StallTimeout ends a session whose client has taken none of its output for this long
	// (it stopped reading, or its network is gone); default 1m.
	StallTimeout time.Duration
	// Grace is how long shutdown waits for sessions and connections to end by themselves
	// before it closes them; default 5s.
	Grace time.Duration

	// wrapModel, in tests, wraps each session's board model (to make it panic).
	wrapModel func(tea.Model) tea.Model
}

// Server is the war room's SSH server. It holds no state of its own beyond its sessions:
// the board and the runsheet are the App's.
type Server struct {
	app     *app.App
	cfg     config.SSH
	opt     Options
	log     *slog.Logger
	keys    *keyring
	signer  gossh.Signer
	created bool
	limiter *rateLimiter
	watch   *watchers
	srv     *ssh.Server

	mu sync.Mutex
	ln net.Listener

	closing   chan struct{} // closed when shutdown begins
	closeOnce sync.Once
	sessions  tracker // every session handler running
	applies   tracker // transitions being journaled

	payload, wire atomic.Int64
	conns         atomic.Int64
	rateRefused   atomic.Int64
}

// New builds a server for a, with cfg (zero values take the config defaults). It reads the
// key files and loads or creates the host key; it does not listen yet.
func New(a *app.App, cfg config.SSH, opt Options) (*Server, error) {
	cfg, opt = normalize(cfg, opt)
	s := &Server{app: a, cfg: cfg, opt: opt, log: opt.Log, closing: make(chan struct{})}
	if len(cfg.Operators) == 0 && len(cfg.Viewers) == 0 && !cfg.AllowAnonymousViewers {
		return nil, errors.New("serve: nobody could log in: list keys under ssh.operators or ssh.viewers, " +
			"or set ssh.allow_anonymous_viewers: true")
	}
	var err error
	if s.keys, err = newKeyring(cfg, s.log); err != nil {
		return nil, err
	}
	if s.signer, s.created, err = HostKey(cfg.HostKey); err != nil {
		return nil, err
	}
	s.limiter = newRateLimiter(cfg.RatePerMinute, opt.Now)
	s.watch = newWatchers(a.Board, opt.Now)
	s.srv, err = wish.NewServer(
		func(srv *ssh.Server) error { srv.AddHostKey(s.signer); return nil },
		wish.WithVersion("warroom"),
		wish.WithPublicKeyAuth(s.publicKeyAuth),
		ssh.WrapConn(s.onConn),
		func(srv *ssh.Server) error {
			srv.HandshakeTimeout = DefaultHandshakeTimeout
			srv.ConnectionFailedCallback = s.onConnFailed
			srv.Handler = s.handle
			return nil
		},
	)
	if err != nil {
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	return s, nil
}

func normalize(cfg config.SSH, opt Options) (config.SSH, Options) {
	if opt.Listen != "" {
		cfg.Listen = opt.Listen
	}
	if opt.HostKey != "" {
		cfg.HostKey = opt.HostKey
	}
	cfg = cfg.WithDefaults() // the config's defaults, for a config without an ssh section
	if opt.Log == nil {
		opt.Log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.StallTimeout <= 0 {
		opt.StallTimeout = DefaultStallTimeout
	}
	if opt.Grace <= 0 {
		opt.Grace = DefaultGrace
	}
	return cfg, opt
}

// HostKeyFingerprint is the host key's SHA256 fingerprint, for people to compare with what
// their ssh client shows on first connect.
func (s *Server) HostKeyFingerprint() string { return gossh.FingerprintSHA256(s.signer.PublicKey()) }

// HostKeyCreated reports whether New created the host key file.
func (s *Server) HostKeyCreated() bool { return s.created }

// Keys returns how many operator and viewer keys are listed now.
func (s *Server) Keys() (operators, viewers int) { return s.keys.count() }

// Listen binds the configured address. Serve calls it when it has not been called.
func (s *Server) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w (another warroom serve? set ssh.listen or --listen)", s.cfg.Listen, err)
	}
	s.ln = ln
	return nil
}

// Addr is the address the server listens on, once Listen has run.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Serve serves until ctx is done, then ends every session (each is told why and its
// terminal restored), waits for transitions being journaled, and returns.
func (s *Server) Serve(ctx context.Context) error {
	if err := s.Listen(); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	err := s.shutdown()
	if serveErr == nil {
		serveErr = <-errc
	}
	if errors.Is(serveErr, ssh.ErrServerClosed) {
		serveErr = nil
	}
	return errors.Join(serveErr, err)
}

// shutdown asks every session to end, then closes what is left, then waits for the journal.
func (s *Server) shutdown() error {
	s.closeOnce.Do(func() { close(s.closing) })
	grace, cancel := context.WithTimeout(context.Background(), s.opt.Grace)
	defer cancel()
	drained := make(chan struct{})
	go func() { _ = s.srv.Shutdown(grace); close(drained) }()
	_ = s.sessions.wait(grace)
	<-drained
	_ = s.srv.Close()
	var errs []error
	hard, cancelHard := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelHard()
	if err := s.sessions.wait(hard); err != nil {
		errs = append(errs, fmt.Errorf("serve: %d sessions did not end after their connections closed", s.sessions.count()))
	}
	s.applies.close()
	// A transition in flight is bounded by the board's own timeout (10 s).
	journal, cancelJournal := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancelJournal()
	if err := s.applies.wait(journal); err != nil {
		errs = append(errs, errors.New("serve: a transition was still being journaled at exit"))
	}
	return errors.Join(errs...)
}

// Watchers lists who is watching: SSH sessions and anyone added by Join.
func (s *Server) Watchers() []string { return s.watch.list() }

// Join counts someone outside SSH (the server's own terminal) among the watchers, as an
// operator; call the returned function when they leave.
func (s *Server) Join(name string) (leave func()) {
	return s.watch.join(cleanName(name), tui.Operator, "at the server's terminal")
}

// Stats are the server's counters, for logs and the benchmark.
type Stats struct {
	Sessions     int   // sessions open now (board and exec)
	Connections  int   // client connections open now
	Watchers     int   // people on the board now
	PayloadBytes int64 // bytes the board programs wrote, before SSH framing and encryption
	WireBytes    int64 // bytes written to client connections (what the network carries)
	RateLimited  int64 // connections refused by the per-address rate limit
}

// Stats returns the counters now.
func (s *Server) Stats() Stats {
	return Stats{Sessions: s.sessions.count(), Connections: int(s.conns.Load()), Watchers: len(s.watch.list()),
		PayloadBytes: s.payload.Load(), WireBytes: s.wire.Load(), RateLimited: s.rateRefused.Load()}
}
