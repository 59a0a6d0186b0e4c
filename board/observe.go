package board

import (
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// Observer sees every input the board is given, in the caller's goroutine and outside the
// board's lock: each poll result (before the board folds it) and each event added with
// AddEvent. The recorder is one. An observer must be quick and must not call back into the
// board synchronously.
type Observer interface {
	Ingested(name string, r sources.Result, at time.Time)
	Added(e Event)
}

// Observe adds an observer. Add observers before the board is fed.
func (b *Board) Observe(o Observer) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var obs []Observer
	if p := b.observers.Load(); p != nil {
		obs = append(obs, *p...)
	}
	obs = append(obs, o)
	b.observers.Store(&obs)
}

// observed returns the observers (nil when none), without the lock.
func (b *Board) observed() []Observer {
	if p := b.observers.Load(); p != nil {
		return *p
	}
	return nil
}

// Replace makes b hold src's sources, series and events, and publishes them; src must not
// be used afterwards. Replay uses it to rebuild the board at an earlier time while every
// viewer keeps its subscription to b. Both boards must have the same options.
func (b *Board) Replace(src *Board) {
	src.mu.Lock()
	defer src.mu.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lim, b.created = src.lim, src.created
	b.srcs, b.byName, b.all, b.keys, b.events = src.srcs, src.byName, src.all, src.keys, src.events
	src.srcs, src.all, src.events = nil, nil, nil
	for _, s := range b.srcs {
		s.dirty = true
	}
	b.publish()
}
