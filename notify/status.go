package notify

import (
	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sources"
)

// StatusWatch turns successive board snapshots into status-change events. It remembers
// each source's last effective status; the first status a source takes after start sends
// nothing when it is ok (unknown → ok is just the board starting), and is told when it is
// warn or crit.
type StatusWatch struct {
	Title string
	last  map[string]sources.Status
	seen  map[string]bool // the source has had a status other than unknown
}

// NewStatusWatch starts a watch for a board titled title.
func NewStatusWatch(title string) *StatusWatch {
	return &StatusWatch{Title: title, last: map[string]sources.Status{}, seen: map[string]bool{}}
}

// Changes returns the events for what changed since the last snapshot it was given.
func (w *StatusWatch) Changes(snap *board.Snapshot) []Event {
	var out []Event
	for _, s := range snap.Sources {
		now := s.Effective()
		prev, known := w.last[s.Name]
		w.last[s.Name] = now
		if known && prev == now {
			continue
		}
		if !w.seen[s.Name] {
			if now == sources.Unknown {
				continue
			}
			w.seen[s.Name] = true
			if now == sources.OK {
				continue // the board starting: nothing happened
			}
		}
		from := prev
		if !known {
			from = sources.Unknown
		}
		detail := s.Detail
		if s.Error != "" {
			detail = s.Error
		}
		if now == sources.Unknown && s.Stale {
			detail = "no answer (stale)"
		}
		out = append(out, Event{Kinds: []string{StatusKind(now.String())}, Title: w.Title, Time: snap.At,
			Source: s.Name, From: from.String(), To: now.String(), Value: s.Value, Unit: s.Unit, Detail: detail})
	}
	return out
}
