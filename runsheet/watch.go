package runsheet

import (
	"context"
	"time"
)

// watchEvery is how often Watch looks at the journal: other processes' changes show within
// this (plus one read, plus the board's next frame). Whether the journal's path still names
// the open file (someone deleted or replaced it) is looked at every replacedEvery ticks: it
// costs two more stat calls and only leads to a warning.
const (
	watchEvery    = 500 * time.Millisecond
	replacedEvery = 8
)

// Watch re-reads the journal when another process appends to it, until ctx is done. It
// blocks: run it in its own goroutine. It looks at the file's size and modification time
// every 500 ms and reads only when they changed; a problem reading becomes a warning.
func (s *Sheet) Watch(ctx context.Context) {
	tick := time.NewTicker(watchEvery)
	defer tick.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			s.refresh(n%replacedEvery == 0)
		}
	}
}

// Refresh reads the journal now if it changed since the last read (what Watch does on
// every tick), for callers that drive their own loop.
func (s *Sheet) Refresh() {
	s.refresh(true)
}

// refresh reads the journal if it changed; checkReplaced also warns if its path no longer
// names the open file.
func (s *Sheet) refresh(checkReplaced bool) {
	s.io.Lock()
	if s.j == nil {
		s.io.Unlock()
		return
	}
	if s.j.stamp() == s.j.seen {
		replaced, path := checkReplaced && s.j.replaced(), s.j.path
		s.io.Unlock()
		if replaced {
			s.mu.Lock()
			s.warn("journal " + path + " was removed or replaced; this process no longer sees changes: restart warroom")
			s.mu.Unlock()
		}
		return
	}
	news, err := s.catchUp(false)
	s.io.Unlock()
	if err != nil {
		s.mu.Lock()
		s.warn(err.Error())
		s.mu.Unlock()
	}
	s.publish(news)
}
