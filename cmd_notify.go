package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/warroom-dev/warroom/app"
	"github.com/warroom-dev/warroom/notify"
	"github.com/warroom-dev/warroom/widgets"
)

func newNotifyCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notify",
		Short: "Check the notify: receivers (Slack, webhooks)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "test",
		Short: "Send a test message to every notify: entry (exit 1 if one fails)",
		Long: "notify test sends one test message to every entry of notify:, with the usual retries,\n" +
			"and says for each whether it was delivered, so a receiver is checked before the night.\n" +
			"URLs are never shown.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := app.Load(g.configPath())
			if err != nil {
				return configError(cmd, err)
			}
			if len(cfg.Notify) == 0 {
				return fmt.Errorf("%s has no notify: entries (see docs/notify.md)", g.configPath())
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			defer cancel()
			failed := 0
			for _, r := range notify.Test(ctx, cfg.Notify, cfg.Title, notify.Options{}) {
				name := widgets.Sanitize(r.Name)
				if r.Err != nil {
					failed++
					fmt.Fprintf(cmd.OutOrStdout(), "%s (%s): failed: %v\n", name, r.Shown, r.Err)
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s (%s): delivered\n", name, r.Shown)
			}
			if failed > 0 {
				return exitError{code: 1}
			}
			return nil
		},
	})
	return cmd
}
