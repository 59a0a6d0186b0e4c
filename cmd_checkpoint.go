package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/warroom-dev/warroom/app"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sanitize"
)

func newCheckpointCmd(g *globals) *cobra.Command {
	var note, reason string
	var force, asJSON bool
	cmd := &cobra.Command{
		Use:   "checkpoint ID start|done|fail|skip|reopen | checkpoint list [--json]",
		Short: "Change a checkpoint from a script, with the same rules as the board",
		Long: "checkpoint changes one checkpoint of the runsheet and journals it, refusing what the board\n" +
			"would refuse: a start before its dependencies, a done while its gate fails (the sources the\n" +
			"gate names are polled; a gate with a hold is watched until it has held), fail or skip\n" +
			"without --note. --force --reason TEXT overrides a failing gate, journaled as an override.\n" +
			"Exit 0 on success, 1 with the reason on stderr when refused.",
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := app.Load(g.configPath())
			if err != nil {
				return configError(cmd, err)
			}
			if args[0] == "list" && len(args) == 1 {
				a, err := app.New(cfg, app.Options{ReadOnly: true})
				if err != nil {
					return err
				}
				defer a.Close()
				newWarnings(cmd.ErrOrStderr(), a.Sheet.View().Warnings, 0)
				return listCheckpoints(cmd.OutOrStdout(), a.Sheet.View(), asJSON)
			}
			if len(args) != 2 {
				return fmt.Errorf("say what to do: warroom checkpoint %s start|done|fail|skip|reopen", args[0])
			}
			a, err := app.New(cfg, app.Options{OneShot: true})
			if err != nil {
				return err
			}
			defer a.Close()
			t := runsheet.Transition{Checkpoint: args[0], Action: runsheet.Action(args[1]), By: osUser(),
				Note: note, Force: force, Reason: reason}
			before := len(a.Sheet.View().Warnings)
			if err := applyFromCLI(cmd.Context(), a, t, cmd.ErrOrStderr()); err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), refusal(err))
				return exitError{code: 1}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s recorded\n", t.Checkpoint, t.Action)
			newWarnings(cmd.ErrOrStderr(), a.Sheet.View().Warnings, before)
			return nil
		},
	}
	cmd.Flags().StringVar(&note, "note", "", "the reason, for fail and skip (required there)")
	cmd.Flags().BoolVar(&force, "force", false, "mark done although the gate fails (needs --reason)")
	cmd.Flags().StringVar(&reason, "reason", "", "why the gate may be overridden (with --force)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "list: print {\"checkpoints\": [...]} as check --json does")
	return cmd
}

// applyFromCLI polls the sources once so the gates see the systems, and keeps polling while
// a gate is holding (bounded by its hold plus a minute), then applies the transition.
func applyFromCLI(ctx context.Context, a *app.App, t runsheet.Transition, progress io.Writer) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if t.Action == runsheet.Finish && !t.Force {
		if err := a.WaitGate(ctx, t.Checkpoint, progress); err != nil {
			return err
		}
	}
	err := a.Apply(ctx, t)
	var refused *runsheet.Refused
	if errors.As(err, &refused) {
		return refused
	}
	return err
}

// refusal is how a change that did not happen reads: "refused: REASON" when the rules
// refused it, "NOT RECORDED: REASON" when the journal could not take it.
func refusal(err error) string {
	var refused *runsheet.Refused
	if errors.As(err, &refused) {
		return "refused: " + sanitize.Line(refused.Reason)
	}
	return "NOT RECORDED: " + sanitize.Line(err.Error())
}

// newWarnings prints the warnings the change raised (a baseline that could not be read,
// a journal that was replaced), from index before on.
func newWarnings(w io.Writer, all []string, before int) {
	for _, x := range all[min(before, len(all)):] {
		fmt.Fprintln(w, "warning: "+sanitize.Line(x))
	}
}

func listCheckpoints(w io.Writer, v runsheet.View, asJSON bool) error {
	cps := app.Checkpoints(v)
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"checkpoints": cps})
	}
	for _, c := range cps {
		line := fmt.Sprintf("%-16s %-8s %s", sanitize.Line(c.ID), c.State, sanitize.Line(c.Title))
		if c.By != "" {
			line += "  (" + sanitize.Line(c.By) + ")"
		}
		fmt.Fprintln(w, line)
	}
	return nil
}
