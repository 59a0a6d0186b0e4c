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
// a response header, so that traffic bouncing between backends shows on the board. Its
// events are changes of the pattern, not of single answers: normal round-robin (7:3 between
// two backends) answers differently on most polls and is no news.
type servedBy struct {
	mu     sync.Mutex
	recent []string // a ring of the last values, oldest at next once full
	next   int
	major  string // the last value that answered more than half the window; "" before any
}

// add records the header value of one answer ("" when the header was missing) and returns
// the event when the pattern changed: a backend answered that is not in the window, one
// left the window (it has not answered for servedByWindow probes), or another backend now
// answers three quarters of the window. The first answer is no event.
func (s *servedBy) add(value string) (event string) {
	if value == "" {
		value = noHeader
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	first := len(s.recent) == 0
	isNew := !first && s.count(value) == 0
	dropped := ""
	if len(s.recent) < servedByWindow {
		s.recent = append(s.recent, value)
	} else {
		dropped = s.recent[s.next]
		s.recent[s.next] = value
		s.next = (s.next + 1) % servedByWindow
	}
	var what []string
	if isNew {
		what = append(what, value+" now answers")
	}
	if dropped != "" && dropped != value && s.count(dropped) == 0 {
		what = append(what, fmt.Sprintf("%s stopped answering (none of the last %d)", dropped, servedByWindow))
	}
	if m := s.majority(); m != "" && m != s.major {
		switch {
		case s.major == "":
			s.major = m // the first majority is no event
		case 4*s.count(m) >= 3*len(s.recent):
			// Moved for real: three quarters of the window, not a random swing of a balanced
			// pool (a 50:50 round robin crosses half many times an hour; three quarters a few).
			what = append(what, fmt.Sprintf("most answers now from %s (was %s)", m, s.major))
			s.major = m
		}
	}
	if len(what) == 0 {
		return ""
	}
	return "served by: " + strings.Join(what, "; ") + " — " + s.shareLocked()
}

// count is how many answers of the window came from value. s.mu is held.
func (s *servedBy) count(value string) int {
	n := 0
	for _, v := range s.recent {
		if v == value {
			n++
		}
	}
	return n
}

// majority is the value of more than half the window's answers, "" when none has that many.
// s.mu is held.
func (s *servedBy) majority() string {
	for _, v := range s.recent {
		if 2*s.count(v) > len(s.recent) {
			return v
		}
	}
	return ""
}

// shares is each value's percentage of the recent answers (the served_by_share fact).
func (s *servedBy) shares() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, 4)
	counts := make(map[string]int, 4)
	for _, v := range s.recent {
		counts[v]++
	}
	for v, n := range counts {
		out[v] = percent(n, len(s.recent))
	}
	return out
}

// share describes the recent answers, most frequent first: "aws-1 70% · old 30%".
func (s *servedBy) share() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shareLocked()
}

// shareLocked is share with s.mu held.
func (s *servedBy) shareLocked() string {
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
