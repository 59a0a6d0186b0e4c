package main

import (
	"github.com/spf13/cobra"

	"github.com/warroom-dev/warroom/app"
)

// recordFlags are --record and --no-record of run and serve (demo has --record only).
type recordFlags struct {
	path string
	off  bool
}

// addRecordFlags adds --record (and, unless demo, --no-record) to cmd.
func addRecordFlags(cmd *cobra.Command, f *recordFlags, demo bool) {
	if demo {
		cmd.Flags().StringVar(&f.path, "record", "", "record the demo to this file (see docs/recording.md)")
		return
	}
	cmd.Flags().StringVar(&f.path, "record", "", "record to this file (default record.path, then the journal's name with .rec)")
	cmd.Flags().BoolVar(&f.off, "no-record", false, "do not record")
}

// option is app.Options.Record for a command; the demo records only when given a path.
func (f recordFlags) option(command string) *app.Record {
	off := f.off || (command == "demo" && f.path == "")
	return &app.Record{Path: f.path, Off: off, Command: command}
}
