package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/warroom-dev/warroom/report"
)

func newReportCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "report FILE",
		Short: "Write the postmortem of a recorded cutover (HTML or Markdown)",
		Long: "report reads a recording (run and serve record by default; see docs/recording.md) and\n" +
			"writes the postmortem: summary, plan vs actual with the critical path, crit and warn\n" +
			"periods, stray writes, DNS and served-by flips, before/after per metric and a chart of\n" +
			"every metric with the cutover marked. -o report.html writes one self-contained page;\n" +
			"-o report.md writes Markdown with SVG charts beside it. Missing folders are created.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := report.Write(args[0], out); err != nil {
				return err
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "warroom: wrote", out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "report.html", "the report file: .html or .md")
	return cmd
}
