package app

import "github.com/warroom-dev/warroom/runsheet"

// sheetOptions are the runsheet's options; journal is the configured journal's path, which
// messages name even when the sheet reads a copy of it (check, checkpoint list).
func (a *App) sheetOptions(journal string) runsheet.Options {
	return runsheet.Options{Now: a.now, Expect: a.Expect, Board: a.Board, JournalName: journal}
}
