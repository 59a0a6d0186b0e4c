package runsheet

import (
	"context"
	"time"

	"github.com/warroom-dev/warroom/internal/flock"
	"github.com/warroom-dev/warroom/internal/wallclock"
)

// watchEvery is how often Watch looks at the journal: other processes' changes show within
// this (plus one read, plus the board's next frame). Each look is one fstat of the open
// file and one stat of the path (whether the path still names the open file: someone may
// have deleted the journal or replaced it with sed -i), a few microseconds.
const watchEvery = 500 * time.Millisecond

// Watch re-reads the journal when another process appends to it, until ctx is done. It
// blocks: run it in its own goroutine. It looks at the file every 500 ms and reads only when
// its size or modification time changed; a journal deleted or replaced is followed at once
// (see follow); a problem reading becomes a warning.
func (s *Sheet) Watch(ctx context.Context) {
	tick := wallclock.NewTicker(watchEvery) // on the half second, with the board's frame
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			s.Refresh()
		}
	}
}

// Refresh reads the journal now if it changed since the last read (what Watch does on
// every tick), for callers that drive their own loop.
func (s *Sheet) Refresh() {
	s.io.Lock()
	defer s.io.Unlock()
	if s.j == nil {
		return
	}
	var news []Transition
	defer func() { s.publish(news) }()
	p, st, err := s.j.look()
	if err != nil || p != atPath {
		if err == nil {
			err = flock.Lock(s.j.f, true)
		}
		if err != nil {
			s.mu.Lock()
			s.warn(err.Error())
			s.mu.Unlock()
			return
		}
		news, _ = s.moved(p, nil) // a failure is a warning already
		return
	}
	if st == s.j.seen {
		return
	}
	news, err = s.catchUp(false)
	if err != nil {
		s.mu.Lock()
		s.warn(err.Error())
		s.mu.Unlock()
	}
}
