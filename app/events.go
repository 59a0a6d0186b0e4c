package app

import (
	"context"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/sources/datadog"
)

// postEvents sends each transition this process applies to Datadog as an event, when
// datadog.events is on. A failure to post is an event on the board, never a refused
// transition.
func (a *App) postEvents() {
	if a.datadog == nil || a.Config.Datadog == nil || !a.Config.Datadog.Events {
		return
	}
	a.OnTransition(func(t runsheet.Transition) {
		ev := datadog.Transition{Checkpoint: t.Checkpoint, State: stateOf(t.Action), By: t.By, Note: t.Note, At: t.At}
		for _, c := range a.Config.Runsheet.Checkpoints {
			if c.ID == t.Checkpoint {
				ev.Title, ev.Owner = c.Title, c.Owner
			}
		}
		if t.Force {
			ev.Note = "override: " + t.Reason
		}
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := a.datadog.PostEvent(ctx, datadog.CheckpointEvent(ev)); err != nil {
			a.Board.AddEvent(board.Event{Time: a.now(), Status: sources.Warn, Source: "datadog", Kind: "source",
				Text: "event not posted: " + err.Error()})
		}
	})
}

// stateOf names the state a transition leads to, as Datadog events say it.
func stateOf(a runsheet.Action) string {
	switch a {
	case runsheet.Start:
		return "running"
	case runsheet.Finish:
		return "done"
	case runsheet.Fail:
		return "failed"
	case runsheet.Skip:
		return "skipped"
	case runsheet.Reopen:
		return "reopened"
	}
	return string(a)
}
