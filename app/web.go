package app

import (
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/web"
)

// WebDeps is what the web board reads from this process: the board, the runsheet, the
// check --json builder and the notifier's counters.
func (a *App) WebDeps() web.Deps {
	return web.Deps{
		Board: a.Board, Sheet: a.Sheet.View, Title: a.Config.Title, Window: a.Window, Now: a.now,
		Status: func(snap *board.Snapshot, view runsheet.View, at time.Time) any {
			return Report(a.Config.Title, snap, view, at)
		},
		Notify: a.notifier.Stats,
	}
}
