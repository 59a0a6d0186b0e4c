package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/warroom-dev/warroom/app"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/record"
	"github.com/warroom-dev/warroom/sshserver"
	"github.com/warroom-dev/warroom/tui"
)

// serveFlags are `warroom serve`'s own flags.
type serveFlags struct {
	listen, hostKey, logFile string
	http                     string // --http
	local                    bool
	rec                      recordFlags
	replay                   string
}

func newServeCmd(g *globals) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the board over SSH to the war room's screens",
		Long: "serve polls the sources once and shows the same live board to everyone who connects with\n" +
			"ssh, each at their own size and colours. Operators (keys in ssh.operators) change checkpoints;\n" +
			"viewers (ssh.viewers, or anyone when allow_anonymous_viewers) watch. `ssh -p 2222 HOST check`\n" +
			"prints the same report as `warroom check`. SIGTERM or Ctrl+C ends every session cleanly.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := app.Load(g.configPath())
			if err != nil {
				return configError(cmd, err)
			}
			return runServe(cmd, cfg, f)
		},
	}
	cmd.Flags().StringVar(&f.listen, "listen", "", "address to listen on (default ssh.listen, then "+config.DefaultSSHListen+")")
	cmd.Flags().StringVar(&f.hostKey, "host-key", "", "host key file (default ssh.host_key); an ed25519 key is created there, mode 0600, if missing")
	cmd.Flags().BoolVar(&f.local, "local", false, "also show the board in this terminal, as an operator")
	addHTTPFlag(cmd, &f.http)
	addRecordFlags(cmd, &f.rec, false)
	cmd.Flags().StringVar(&f.replay, "replay", "", "serve a recording, read-only, instead of polling (operators' keys move the replay)")
	cmd.Flags().StringVar(&f.logFile, "log", "", "append the server log to this file (default stderr; none with --local)")
	return cmd
}

// runServe runs the sources, the SSH server and (with --local) this terminal's board until a
// signal; then it ends every session, waits for the journal and stops polling.
func runServe(cmd *cobra.Command, cfg *config.Config, f serveFlags) error {
	// Signals are caught from the start: a SIGTERM during startup still ends things cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	logOut, closeLog, err := serveLog(cmd.ErrOrStderr(), f)
	if err != nil {
		return err
	}
	defer closeLog()
	a, replay, err := serveApp(cfg, f) // cmd_replay.go
	if err != nil {
		return err
	}
	defer a.Close()
	if replay != nil {
		defer replay.Close()
	}
	var sshCfg config.SSH
	if cfg.SSH != nil {
		sshCfg = *cfg.SSH
	}
	srv, err := sshserver.New(a, sshCfg, sshserver.Options{Listen: f.listen, HostKey: f.hostKey,
		Log: slog.New(slog.NewTextHandler(logOut, nil)), Replay: sshReplay(replay)})
	if err != nil {
		return err
	}
	if err := srv.Listen(); err != nil {
		return err
	}
	webSrv, stopWeb, err := startWeb(a, f.http, logOut)
	if err != nil {
		return err
	}
	defer stopWeb()
	runCtx, stopRun := context.WithCancel(context.Background())
	polled := make(chan struct{})
	go func() { runOrReplay(runCtx, a, replay); close(polled) }()
	defer func() { stopRun(); <-polled }()

	announce(cmd.ErrOrStderr(), a, srv, sshCfg)
	announceWeb(cmd.ErrOrStderr(), webSrv)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx) }()
	if f.local {
		if err := runLocal(ctx, a, replay, srv); err != nil {
			stop()
			return errors.Join(err, <-served)
		}
		if ctx.Err() == nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "warroom: local board closed; still serving on %s — Ctrl+C stops the server\n", srv.Addr())
		}
	}
	err = <-served
	if err == nil {
		fmt.Fprintln(cmd.ErrOrStderr(), "warroom: server stopped; every session ended")
	}
	return err
}

// runLocal shows the board in this terminal as an operator, counted among the watchers.
func runLocal(ctx context.Context, a *app.App, replay *record.Player, srv *sshserver.Server) error {
	deps := localDeps(a)
	if replay != nil {
		deps = replayDeps(replay, osUser())
	}
	deps.Watchers = srv.Watchers
	leave := srv.Join(osUser() + " (local)")
	defer leave()
	m := tui.New(deps)
	defer m.Close()
	return withQuietLogs(a.Config.Runsheet.Journal, os.Stderr, func() error { return runProgram(ctx, m) })
}

// announce says where the board is served and how to check the host key.
func announce(w io.Writer, a *app.App, srv *sshserver.Server, cfg config.SSH) {
	ops, views := srv.Keys()
	created := ""
	if srv.HostKeyCreated() {
		created = " (new key created)"
	}
	anon := ""
	if cfg.AllowAnonymousViewers {
		anon = ", anyone else as a viewer"
	}
	fmt.Fprintf(w, "warroom: serving %q on %s — host key %s%s\n", a.Config.Title, srv.Addr(), srv.HostKeyFingerprint(), created)
	fmt.Fprintf(w, "warroom: %d operator keys, %d viewer keys%s; ssh -p PORT HOST to watch, Ctrl+C stops\n", ops, views, anon)
}

// serveLog picks where the server log goes: --log, else stderr, else (with --local, whose
// board owns the terminal) nowhere.
func serveLog(stderr io.Writer, f serveFlags) (io.Writer, func(), error) {
	switch {
	case f.logFile != "":
		file, err := os.OpenFile(f.logFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("--log: %w", err)
		}
		return file, func() { file.Close() }, nil
	case f.local:
		return io.Discard, func() {}, nil
	}
	return stderr, func() {}, nil
}
