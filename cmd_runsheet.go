package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/warroom-dev/warroom/app"
	"github.com/warroom-dev/warroom/config"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/spreadsheet"
)

func newRunsheetCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "runsheet export|import",
		Short: "Move the runsheet between warroom and the team's spreadsheet",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newRunsheetExportCmd(g), newRunsheetImportCmd())
	return cmd
}

func newRunsheetExportCmd(g *globals) *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "export -o OUT.csv|OUT.xlsx",
		Short: "Write the runsheet with plan and actual times, who, states, overrides and notes",
		Long: "export writes the runsheet as it stands in the journal: the plan (id, title, owner, planned,\n" +
			"after, gate, command, rollback — these columns read back as the same plan with\n" +
			"runsheet: {from: FILE}) and what happened (state, actual, started and ended in UTC, by,\n" +
			"overrides with their reasons, notes). In .xlsx, durations and times are spreadsheet values\n" +
			"and overruns are highlighted. -o - writes CSV to standard output. It refuses to overwrite\n" +
			"the sheet the config reads its checkpoints from (its other sheets and formatting would be\n" +
			"lost) unless --force.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("say where: warroom runsheet export -o runsheet.xlsx (or .csv, or - for CSV on stdout)")
			}
			cfg, err := app.Load(g.configPath())
			if err != nil {
				return configError(cmd, err)
			}
			a, err := app.New(cfg, app.Options{ReadOnly: true})
			if err != nil {
				return err
			}
			defer a.Close()
			if from := cfg.Runsheet.From.File; from != "" && out != "-" && !force && sameFile(from, out) {
				return fmt.Errorf("export: %s is the sheet this config reads its checkpoints from: "+
					"writing it would replace the whole file (its other sheets and formatting too); "+
					"write another file, or pass --force", out)
			}
			t := runsheet.ExportTable(a.Sheet.View())
			if out == "-" {
				return spreadsheet.WriteCSV(cmd.OutOrStdout(), t)
			}
			if err := spreadsheet.Write(out, t); err != nil {
				return fmt.Errorf("export: %w", err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %d checkpoints to %s\n", len(t.Rows)-1, out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the file to write: .csv or .xlsx (- for CSV on stdout)")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite even the config's own runsheet sheet")
	return cmd
}

// sameFile reports whether two paths name one file (or would: an absent out is compared by
// its absolute path).
func sameFile(a, b string) bool {
	if fa, err := os.Stat(a); err == nil {
		if fb, err := os.Stat(b); err == nil {
			return os.SameFile(fa, fb)
		}
	}
	aa, errA := filepath.Abs(a)
	bb, errB := filepath.Abs(b)
	return errA == nil && errB == nil && aa == bb
}

func newRunsheetImportCmd() *cobra.Command {
	var sheet string
	cmd := &cobra.Command{
		Use:   "import FILE.csv|FILE.xlsx [--sheet NAME]",
		Short: "Print a spreadsheet's runsheet as the YAML of a config",
		Long: "import reads the checkpoints of a sheet as runsheet: {from: FILE} does and prints them as\n" +
			"the runsheet section of a warroom.yaml, for teams that want to keep the plan in YAML.\n" +
			"Errors are FILE:ROW:COL: message (the header is row 1, column A is 1); exit 1.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cps, err := config.ReadSheet(args[0], sheet)
			if err != nil {
				return configError(cmd, err)
			}
			body, err := config.CheckpointsYAML(cps, args[0])
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(body)
			return err
		},
	}
	cmd.Flags().StringVar(&sheet, "sheet", "", "the .xlsx sheet to read (default: the first with a header row)")
	return cmd
}
