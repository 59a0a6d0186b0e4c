package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newServeCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Serve the board over SSH to the war room's screens",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("serve: not built yet")
		},
	}
}
