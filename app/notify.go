package app

import (
	"context"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/notify"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/sources"
)

// notifyLockRetry is how often a polling process without the notify lock tries to take it
// (the holder may have exited).
var notifyLockRetry = 5 * time.Second

// notifyDeliver is how long Close waits for queued messages (a script's `warroom
// checkpoint` exits right after its transition).
const notifyDeliver = 5 * time.Second

// setupNotify starts the notifier when the config has receivers and this process may
// record transitions (check never notifies): every transition this process applies is sent
// by it. Status changes are sent only by Run, under the notify lock.
func (a *App) setupNotify(opt Options) {
	if len(a.Config.Notify) == 0 || opt.ReadOnly {
		return
	}
	a.notifier = notify.New(a.Config.Notify, notify.Options{Now: a.now, Report: func(st sources.Status, text string) {
		a.Board.AddEvent(board.Event{Status: st, Source: "notify", Kind: "source", Text: text})
	}})
	a.OnTransition(a.notifyTransition)
	a.closers = append(a.closers, closerFunc(func() error {
		ctx, cancel := context.WithTimeout(context.Background(), notifyDeliver)
		defer cancel()
		a.notifier.Close(ctx)
		return nil
	}))
}

// Notifier is the process's notifier, nil when nothing is configured (or in check).
func (a *App) Notifier() *notify.Notifier { return a.notifier }

// notifyTransition sends a transition this process journaled.
func (a *App) notifyTransition(t runsheet.Transition) {
	ev := notify.Event{Kinds: []string{notify.KindCheckpoint}, Title: a.Config.Title, Time: t.At,
		Checkpoint: t.Checkpoint, Action: string(t.Action), By: t.By, Note: t.Note, Reason: t.Reason, Gate: t.Gate}
	view := a.Sheet.View()
	ev.Elapsed = view.Elapsed
	for _, c := range view.Checkpoints {
		if c.ID != t.Checkpoint {
			continue
		}
		ev.CheckpointTitle, ev.Planned = c.Title, c.Planned
		if t.Action == runsheet.Finish || t.Action == runsheet.Fail {
			ev.Actual = c.Actual
		}
		if c.Cutover && t.Action == runsheet.Finish {
			ev.Kinds = append([]string{notify.KindCutover}, ev.Kinds...)
		}
	}
	if t.Override {
		ev.Kinds = append([]string{notify.KindOverride}, ev.Kinds...)
	}
	a.notifier.Send(ev)
}

// notifyStatus sends the sources' status changes while this process holds the notify lock
// beside the journal, so that of several polling processes sharing a journal one speaks.
// Changes are followed without the lock too, so a process that takes over does not repeat
// what the last holder said.
func (a *App) notifyStatus(ctx context.Context) {
	if a.notifier == nil {
		return
	}
	path := notify.LockPath(a.Config.Runsheet.Journal)
	watch := notify.NewStatusWatch(a.Config.Title)
	sub := a.Board.Subscribe()
	defer sub.Close()
	retry := time.NewTicker(notifyLockRetry)
	defer retry.Stop()
	var lock *notify.Lock
	defer func() { lock.Release() }()
	warned := false
	take := func() {
		if lock != nil {
			return
		}
		l, err := notify.TryLock(path)
		if err != nil && !warned {
			warned = true
			a.Board.AddEvent(board.Event{Status: sources.Warn, Source: "notify", Kind: "source",
				Text: "status changes not sent: " + err.Error()})
		}
		lock = l
	}
	take()
	for {
		select {
		case <-ctx.Done():
			return
		case <-retry.C:
			take()
		case <-sub.C():
		}
		evs := watch.Changes(a.Board.Snapshot())
		if lock == nil {
			continue
		}
		for _, ev := range evs {
			a.notifier.Send(ev)
		}
	}
}
