// Command warroom is a terminal dashboard for the hours of a live migration cutover: it
// polls Datadog metrics, database replication lag and health endpoints, and shows them beside
// the cutover runsheet, in a terminal and over SSH.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/warroom-dev/warroom/sanitize"
)

// version is stamped by the release build (-ldflags "-X main.version=…").
var version = "dev"

// exitError carries an exit code out of a command without printing anything more.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func main() {
	root := newRoot()
	if err := root.Execute(); err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		reportError(os.Stderr, err)
		os.Exit(1)
	}
}

// reportError prints a command's error, sanitized: errors quote flags, paths, config text
// and answers from servers, none of which may reach the terminal as control sequences. Line
// breaks stay (a joined error has several lines).
func reportError(w io.Writer, err error) {
	fmt.Fprintln(w, "warroom:", sanitize.Text(err.Error()))
}

// globals are the flags every command shares.
type globals struct {
	config string
}

// configPath is -c, else $WARROOM_CONFIG, else ./warroom.yaml.
func (g *globals) configPath() string {
	if g.config != "" {
		return g.config
	}
	if p := os.Getenv("WARROOM_CONFIG"); p != "" {
		return p
	}
	return "warroom.yaml"
}

func newRoot() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "warroom",
		Short: "A terminal dashboard for the hours of a live migration cutover",
		Long: "warroom polls Datadog metrics, database replication lag and health endpoints and shows\n" +
			"them beside the cutover runsheet, in your terminal and over SSH.\n\n" +
			"Try it: warroom demo",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVarP(&g.config, "config", "c", "", "config file (default $WARROOM_CONFIG, then ./warroom.yaml)")
	root.AddCommand(
		newRunCmd(g), newDemoCmd(g), newServeCmd(g), newCheckCmd(g), newValidateCmd(g),
		newInitCmd(), newCheckpointCmd(g), newRunsheetCmd(g), newLabCmd(), newVersionCmd(), newNotifyCmd(g),
		newReportCmd(), newReplayCmd(),
	)
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print warroom's version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), "warroom", version)
		},
	}
}
