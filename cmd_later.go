package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newLabCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "lab",
		Short: "Start a local MariaDB primary/replica pair with a write load and print a warroom.yaml for it",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("lab: not built yet")
		},
	}
}
