package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/warroom-dev/warroom/app"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/record"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sshserver"
	"github.com/warroom-dev/warroom/tui"
)

func newReplayCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "replay FILE",
		Short: "Replay a recorded cutover on the board, read-only",
		Long: "replay shows a recording (see docs/recording.md) on the same board, read-only, driven by\n" +
			"the recording's clock. It opens at the start, playing at ×1: space pauses and plays\n" +
			"(details stay on i), ←/→ move 10 s, shift+←/→ 1 min, </> change the speed (×1 … ×60),\n" +
			"home/end go to the start and end. `warroom serve --replay FILE` shows it over SSH.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := openReplay(args[0])
			if err != nil {
				return err
			}
			defer p.Close()
			ctx, cancel := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer cancel()
			go p.Run(ctx)
			m := tui.New(replayDeps(p, osUser()))
			defer m.Close()
			return runProgram(ctx, m)
		},
	}
}

// serveApp is what serve shows: the live app, recording as configured, or (--replay) a
// replay with an app that polls nothing.
func serveApp(cfg *config.Config, f serveFlags) (*app.App, *record.Player, error) {
	if f.replay == "" {
		a, err := app.New(cfg, app.Options{Record: f.rec.option("serve")})
		return a, nil, err
	}
	p, err := openReplay(f.replay)
	if err != nil {
		return nil, nil, err
	}
	return &app.App{Config: cfg, Board: p.Board(), Window: p.Header.Window.D()}, p, nil
}

// runOrReplay polls the sources, or plays the replay, until ctx is done.
func runOrReplay(ctx context.Context, a *app.App, p *record.Player) {
	if p == nil {
		a.Run(ctx)
		return
	}
	p.Run(ctx)
}

// sshReplay is the SSH server's view of a replay; nil when serving live.
func sshReplay(p *record.Player) *sshserver.Replay {
	if p == nil {
		return nil
	}
	return &sshserver.Replay{Board: p.Board(), Sheet: p.View, Now: p.Now, Control: p,
		Title: p.Header.Title, Window: p.Header.Window.D()}
}

// openReplay reads a recording for replay.
func openReplay(path string) (*record.Player, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	p, err := record.NewPlayer(data, record.PlayerOptions{})
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", path, err)
	}
	return p, nil
}

// errReplay refuses every transition in a replay.
var errReplay = &runsheet.Refused{Reason: "replay: a recording cannot be changed"}

// replayDeps is a read-only session on a replay.
func replayDeps(p *record.Player, user string) tui.Deps {
	return tui.Deps{
		Board: p.Board(), Sheet: p.View, Title: p.Header.Title, Window: p.Header.Window.D(),
		Apply: func(context.Context, runsheet.Transition) error { return errReplay },
		Check: func(runsheet.Transition) error { return errReplay },
		Role:  tui.Viewer, ReadOnly: true, User: user, Now: p.Now, Replay: p, NoColor: tui.NoColor(),
	}
}
