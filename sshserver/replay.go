package sshserver

import (
	"context"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/tui"
)

// Replay, set in Options, makes the server show a recording (warroom serve --replay)
// instead of the live board: every session is read-only, the runsheet is the replay's, an
// operator's replay keys move the one replay everybody watches, and a viewer only watches.
type Replay struct {
	Board   *board.Board
	Sheet   func() runsheet.View
	Now     func() time.Time
	Control tui.Replayer
	Title   string
	Window  time.Duration
}

// errReplay refuses every transition during a replay.
var errReplay = &runsheet.Refused{Reason: "replay: a recording cannot be changed"}

// replayDeps turns a session's deps into a replay's, when the server replays.
func (s *Server) replayDeps(d *tui.Deps, id Identity) {
	r := s.opt.Replay
	if r == nil {
		return
	}
	d.Board, d.Sheet, d.Now, d.Title, d.Window = r.Board, r.Sheet, r.Now, r.Title, r.Window
	d.Apply = func(context.Context, runsheet.Transition) error { return errReplay }
	d.Check = func(runsheet.Transition) error { return errReplay }
	d.Role, d.ReadOnly, d.Replay = tui.Viewer, true, watchOnly{r.Control}
	if id.Role == tui.Operator {
		d.Replay = r.Control
	}
}

// shown is the board and runsheet a check reports: the replay's when replaying.
func (s *Server) shown() (*board.Board, runsheet.View) {
	if r := s.opt.Replay; r != nil {
		return r.Board, r.Sheet()
	}
	return s.app.Board, s.app.Sheet.View()
}

// watchOnly shows a replay's state and ignores its keys: a viewer watches the room's replay.
type watchOnly struct{ tui.Replayer }

func (watchOnly) Toggle()            {}
func (watchOnly) Seek(time.Duration) {}
func (watchOnly) SeekStart()         {}
func (watchOnly) SeekEnd()           {}
func (watchOnly) Faster()            {}
func (watchOnly) Slower()            {}
