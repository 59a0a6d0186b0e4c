package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/warroom-dev/warroom/app"
	"github.com/warroom-dev/warroom/internal/screen"
	"github.com/warroom-dev/warroom/sanitize"
	"github.com/warroom-dev/warroom/tui"
)

func newRunCmd(g *globals) *cobra.Command {
	var httpAddr string
	var rf recordFlags
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Show the board for a config in this terminal",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := app.Load(g.configPath())
			if err != nil {
				return configError(cmd, err)
			}
			a, err := app.New(cfg, app.Options{Record: rf.option("run")})
			if err != nil {
				return err
			}
			defer a.Close()
			_, stopWeb, err := startWeb(a, httpAddr, nil)
			if err != nil {
				return err
			}
			defer stopWeb()
			return runBoard(cmd.Context(), a)
		},
	}
	addHTTPFlag(cmd, &httpAddr)
	addRecordFlags(cmd, &rf, false)
	return cmd
}

func newDemoCmd(g *globals) *cobra.Command {
	var httpAddr string
	var rf recordFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Show the board on a simulated cutover (no network, no credentials)",
		Long: "demo runs a simulated marketplace cutover: response times that spike at the cutover and\n" +
			"settle lower, replication lag that drains after the freeze, endpoints going down and up,\n" +
			"and one stray write on the old primary. A scripted team walks the runsheet in about three\n" +
			"minutes and starts again; you can press keys too. Its journal lives in a temporary\n" +
			"directory that is removed on exit.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := os.MkdirTemp("", "warroom-demo-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			cfg, err := app.LoadDemo(filepath.Join(dir, "demo.journal"))
			if err == nil {
				err = demoOutbound(g, cfg)
			}
			if err != nil {
				return err
			}
			a, err := app.New(cfg, app.Options{Record: rf.option("demo")})
			if err != nil {
				return err
			}
			defer a.Close()
			_, stopWeb, err := startWeb(a, httpAddr, nil)
			if err != nil {
				return err
			}
			defer stopWeb()
			return runBoard(cmd.Context(), a)
		},
	}
	addHTTPFlag(cmd, &httpAddr)
	addRecordFlags(cmd, &rf, true)
	return cmd
}

// runBoard polls and shows the board in this terminal until the user quits or a signal.
func runBoard(parent context.Context, a *app.App) error {
	if parent == nil {
		parent = context.Background()
	}
	if os.Getenv("GOMAXPROCS") == "" {
		// One board's work (a frame a second, polls, gates) is a few per cent of one core;
		// with one P the runtime has no idle Ps to wake and spin for each timer and network
		// answer, which cut the CPU of a 20-endpoint board by a sixth (docs/performance.md).
		// `serve`, with its many sessions, keeps every core.
		runtime.GOMAXPROCS(1)
	}
	ctx, cancel := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer cancel()
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	if stop := startProfile(); stop != nil {
		defer stop()
	}
	m := tui.New(localDeps(a))
	defer m.Close()
	logBeside := a.Config.Runsheet.Journal
	if a.Config.Demo {
		// the demo's journal folder is removed on exit: its log goes where it can be read after
		logBeside = filepath.Join(os.TempDir(), "warroom-demo.journal")
	}
	return withQuietLogs(logBeside, os.Stderr, func() error { return runProgram(ctx, m) })
}

// runProgram shows a board in this terminal until the user quits or ctx ends. Signals are
// ours alone (ctx comes from signal.NotifyContext): Bubble Tea's own handler, given the same
// SIGTERM, can block forever sending its quit message to a program that has already
// stopped for the cancelled context, and the process then never exits.
func runProgram(ctx context.Context, m tea.Model) error {
	// The board's frames are drawn by package screen when they change (once a second, and
	// at once for a key press), only the lines that changed; Bubble Tea keeps the terminal's
	// modes and input (docs/performance.md).
	_, err := screen.Run(m, tea.WithContext(ctx), tea.WithoutSignalHandler())
	if errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, tea.ErrInterrupted) {
		return nil
	}
	return err
}

// localDeps is the session of the person at this terminal: an operator.
func localDeps(a *app.App) tui.Deps {
	return tui.Deps{
		Board: a.Board, Sheet: a.Sheet.View, Apply: a.Apply, Check: a.Sheet.Check,
		Title: a.Config.Title, Window: a.Window, Role: tui.Operator,
		User: osUser(), NoColor: tui.NoColor(),
	}
}

// osUser is who is at this terminal, for the journal.
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

// configError prints a config's errors, one FILE:LINE:COL per line (sanitized: they quote
// the file's text), and exits with code 1.
func configError(cmd *cobra.Command, err error) error {
	fmt.Fprintln(cmd.ErrOrStderr(), sanitize.Text(err.Error()))
	return exitError{code: 1}
}

// startProfile writes a CPU profile to $WARROOM_CPUPROFILE while the board runs, for the
// measurements in docs/performance.md. It returns nil when the variable is not set.
func startProfile() func() {
	path := os.Getenv("WARROOM_CPUPROFILE")
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}
