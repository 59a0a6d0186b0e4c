package widgets

import (
	"time"

	"github.com/warroom-dev/warroom/board"
)

// QuietColumns is how many empty columns in a row, between two samples, a source polled
// every interval leaves when columns are step wide, without having missed an answer: a run
// of empty columns shorter than two intervals (when the board calls a source stale) is the
// time between two polls, drawn blank, not a gap (·). 0 when the interval is not known.
func QuietColumns(interval, step time.Duration) int {
	if interval <= 0 || step <= 0 {
		return 0
	}
	return int((2*interval - 1) / step)
}

// quietRuns marks the empty buckets that lie between samples: in a run of at most maxRun
// empty buckets with a sample (or the window's left edge) before it and a sample (or the
// columns not over yet, the last ahead) after it. nil when none is.
func quietRuns(bs []board.Bucket, ahead, maxRun int) []bool {
	if maxRun <= 0 {
		return nil
	}
	var q []bool
	for i := 0; i < len(bs); {
		if valid(bs[i]) {
			i++
			continue
		}
		j := i
		for j < len(bs) && !valid(bs[j]) {
			j++
		}
		closed := j - i // empty columns that are over
		if j == len(bs) {
			closed = max(0, len(bs)-ahead-i) // up to now: the next poll may not be due yet
		}
		// A run at the window's left edge counts too: its sample before lies outside the
		// window, and whether a 5 s source's first column there is empty depends only on
		// where the window's edge falls between two polls.
		if closed <= maxRun {
			if q == nil {
				q = make([]bool, len(bs))
			}
			for k := i; k < j; k++ {
				q[k] = true
			}
		}
		i = j
	}
	return q
}
