package sshserver

import (
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/tui"
)

// watchers is who is looking at the board. Every session's footer reads the list on every
// frame, so it is kept as a ready, sorted slice that readers share and never modify.
type watchers struct {
	board *board.Board
	now   func() time.Time

	mu    sync.Mutex
	next  int
	live  map[int]watcher
	names atomic.Pointer[[]string]
}

type watcher struct {
	name  string
	role  tui.Role
	since time.Time
}

func newWatchers(b *board.Board, now func() time.Time) *watchers {
	w := &watchers{board: b, now: now, live: map[int]watcher{}}
	w.names.Store(&[]string{})
	return w
}

// list returns the names, operators first, then by when they joined. Do not modify it.
func (w *watchers) list() []string { return *w.names.Load() }

// join adds a watcher, writes a "watch" event to the board and returns the leave function.
func (w *watchers) join(name string, role tui.Role, how string) (leave func()) {
	now := w.now()
	w.mu.Lock()
	id := w.next
	w.next++
	w.live[id] = watcher{name: name, role: role, since: now}
	n := w.rebuild()
	w.mu.Unlock()
	w.event(fmt.Sprintf("%s joined %s as %s · %d watching", name, how, role, n))
	var once sync.Once
	return func() {
		once.Do(func() {
			w.mu.Lock()
			delete(w.live, id)
			n := w.rebuild()
			w.mu.Unlock()
			stay := w.now().Sub(now).Round(time.Second)
			w.event(fmt.Sprintf("%s left after %s · %d watching", name, stay, n))
		})
	}
}

// rebuild makes a new names slice; the caller holds w.mu.
func (w *watchers) rebuild() int {
	all := make([]watcher, 0, len(w.live))
	for _, x := range w.live {
		all = append(all, x)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].role != all[j].role {
			return all[i].role == tui.Operator
		}
		if !all[i].since.Equal(all[j].since) {
			return all[i].since.Before(all[j].since)
		}
		return all[i].name < all[j].name
	})
	names := make([]string, len(all))
	for i, x := range all {
		names[i] = x.name
	}
	w.names.Store(&names)
	return len(names)
}

func (w *watchers) event(text string) {
	w.board.AddEvent(board.Event{Time: w.now(), Status: sources.OK, Kind: "watch", Text: text})
}
