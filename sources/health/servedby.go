package health

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

const (
	// servedByWindow is how many recent answers the served-by share is computed over.
	servedByWindow = 20
	// servedByShown is how many values the share names before it sums the rest as "other".
	servedByShown = 3
	// maxServedByRunes bounds a header value as it is kept and shown.
	maxServedByRunes = 40
	// noHeader stands for an answer that did not carry the header at all.
	noHeader = "no header"
)

// servedBy remembers which backend answered the last servedByWindow probes, by the value of
// a response header, so that traffic bouncing between backends shows on the board.
type servedBy struct {
	mu     sync.Mutex
	recent []string // a ring of the last values, oldest at next once full
	next   int
	last   string
	seen   bool
}

// add records the header value of one answer ("" when the header was missing). When the
// value differs from the previous answer's, it returns the event that says so.
func (s *servedBy) add(value string) (event string) {
	if value == "" {
		value = noHeader
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.recent) < servedByWindow {
		s.recent = append(s.recent, value)
	} else {
		s.recent[s.next] = value
		s.next = (s.next + 1) % servedByWindow
	}
	if s.seen && value != s.last {
		event = fmt.Sprintf("served by %s (was %s)", value, s.last)
	}
	s.last, s.seen = value, true
	return event
}

// share describes the recent answers, most frequent first: "aws-1 70% · old 30%".
func (s *servedBy) share() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.recent) == 0 {
		return ""
	}
	counts := make(map[string]int, 4)
	for _, v := range s.recent {
		counts[v]++
	}
	values := make([]string, 0, len(counts))
	for v := range counts {
		values = append(values, v)
	}
	sort.Slice(values, func(i, j int) bool {
		if counts[values[i]] != counts[values[j]] {
			return counts[values[i]] > counts[values[j]]
		}
		return values[i] < values[j]
	})
	total := len(s.recent)
	parts := make([]string, 0, servedByShown+1)
	other := 0
	for i, v := range values {
		if i < servedByShown || len(values) == servedByShown+1 {
			parts = append(parts, fmt.Sprintf("%s %d%%", v, percent(counts[v], total)))
		} else {
			other += counts[v]
		}
	}
	if other > 0 {
		parts = append(parts, fmt.Sprintf("other %d%%", percent(other, total)))
	}
	return strings.Join(parts, " · ")
}

func percent(n, total int) int { return (n*100 + total/2) / total }
