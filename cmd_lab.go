package main

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/warroom-dev/warroom/lab"
)

func newLabCmd() *cobra.Command {
	var pg bool
	cmd := &cobra.Command{
		Use:   "lab [DIR]",
		Short: "Start a local MariaDB primary/replica pair with a write load and print a warroom.yaml for it",
		Long: "lab starts a MariaDB primary and a replica (10 s behind) on loopback ports, a small write\n" +
			"load and a heartbeat, and prints a ready warroom.yaml to stdout: save it and run\n" +
			"`warroom run -c lab.yaml` in another terminal to watch real lag. Ctrl+C stops the servers.\n" +
			"DIR (optional, must be empty) keeps the data; without it a temporary folder is removed on exit.\n" +
			"Needs mariadbd and mariadb-install-db (Debian: apt-get install mariadb-server).\n" +
			"--postgres starts a PostgreSQL primary, a streaming standby and a logical subscriber instead\n" +
			"(Debian: apt-get install postgresql; as root the servers run as the user warroomtest).",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := ""
			if len(args) == 1 {
				dir = args[0]
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if pg {
				return lab.RunPostgres(ctx, dir, cmd.OutOrStdout())
			}
			return lab.Run(ctx, dir, cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&pg, "postgres", false, "a PostgreSQL cutover by logical replication instead of MariaDB")
	return cmd
}
