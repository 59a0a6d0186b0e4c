package app

import (
	"context"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/mysql"
)

// frozen is what the runsheet needs to journal a frozen node's baseline: the database
// sources by name, and the baselines every one of them compares with.
type frozen struct {
	bases *sources.Baselines
	dbs   map[string]*mysql.Source
}

// sheetOptions are the runsheet's options; journal is the configured journal's path, which
// messages name even when the sheet reads a copy of it (check, checkpoint list). A process
// that may write the journal (not check) journals the baseline a database source offers
// for a freeze recorded without one.
func (a *App) sheetOptions(journal string, readOnly bool) runsheet.Options {
	a.frozen = frozen{bases: sources.NewBaselines(), dbs: map[string]*mysql.Source{}}
	for _, c := range a.closers { // the database sources, as buildConfigured made them
		if src, ok := c.(*mysql.Source); ok {
			src.UseBaselines(a.frozen.bases)
			a.frozen.dbs[src.Name()] = src
		}
	}
	if !readOnly {
		a.frozen.bases.OnMissing(a.recordBaseline)
	}
	return runsheet.Options{Now: a.now, Expect: a.Expect, Board: a.Board, JournalName: journal,
		Baselines: a.frozen.bases, Position: a.position}
}

// position reads a database's position for the runsheet (a done that freezes it).
func (a *App) position(ctx context.Context, db string) (sources.Position, error) {
	src, ok := a.frozen.dbs[db]
	if !ok {
		return sources.Position{}, sources.ErrNoPosition
	}
	return src.Position(ctx)
}

// recordBaseline journals a position a database source offered; a failure is a board event
// (the next poll offers again).
func (a *App) recordBaseline(db string, epoch int64, p sources.Position, at time.Time) {
	if a.Sheet == nil {
		return
	}
	if err := a.Sheet.RecordBaseline(db, epoch, p, at); err != nil {
		a.Board.AddEvent(board.Event{Time: a.now(), Status: sources.Warn, Source: db, Kind: "journal",
			Text: "baseline not journaled: " + err.Error()})
	}
}
