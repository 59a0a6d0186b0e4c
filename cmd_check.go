package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/warroom-dev/warroom/app"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/sanitize"
)

func newCheckCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Poll every source once and print their status (exit 0 ok, 1 warn, 2 crit, 3 unknown)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := app.Load(g.configPath())
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), sanitize.Text(err.Error()))
				return exitError{code: 3}
			}
			code, err := runCheck(cmd.Context(), cfg, asJSON, cmd.OutOrStdout())
			if err != nil {
				reportError(cmd.ErrOrStderr(), err)
				return exitError{code: 3}
			}
			if code != 0 {
				return exitError{code: code}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON (a stable, versioned shape)")
	return cmd
}

// runCheck polls once and writes the report; it returns the monitoring-plugin exit code.
func runCheck(ctx context.Context, cfg *config.Config, asJSON bool, out interface{ Write([]byte) (int, error) }) (int, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	a, err := app.New(cfg, app.Options{ReadOnly: true, OneShot: true})
	if err != nil {
		return 3, err
	}
	defer a.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	rep := a.Check(ctx)
	if asJSON {
		err = rep.WriteJSON(out)
	} else {
		err = rep.WriteTable(out)
	}
	return app.ExitCode(rep.Status), err
}

func newValidateCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "Check a config file and report every error as FILE:LINE:COL (exit 1 on errors)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path := g.configPath()
			cfg, err := app.Load(path)
			if err != nil {
				return configError(cmd, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok — %d metrics, %d databases, %d health probes, %d checkpoints\n",
				path, len(cfg.Metrics), len(cfg.Databases), len(cfg.Health), len(cfg.Runsheet.Checkpoints))
			return nil
		},
	}
}

func newInitCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a commented starter warroom.yaml (never overwrites)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "warroom.yaml"
			if len(args) == 1 {
				path = args[0]
			}
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if err != nil {
				if os.IsExist(err) {
					return fmt.Errorf("%s already exists: warroom init never overwrites a file (name another one: warroom init FILE)", path)
				}
				return err
			}
			if _, err := f.Write(config.Starter()); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s — edit it, then: warroom validate -c %s && warroom run -c %s\n", path, path, path)
			return nil
		},
	}
}
