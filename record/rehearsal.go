package record

import (
	"errors"
	"io"
	"time"

	"github.com/warroom-dev/warroom/runsheet"
)

// Actuals returns how long each checkpoint took in the recording at path: from its last
// start to its done (a checkpoint never done there is left out). A rehearsal's recording
// gives the live run its planned durations (runsheet.plan_from).
func Actuals(path string) (map[string]time.Duration, error) {
	r, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var ts []runsheet.Transition
	seen := map[int64]bool{}
	for {
		l, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if t := l.Transition; t != nil && !seen[t.Seq] {
			seen[t.Seq] = true
			ts = append(ts, *t)
		}
	}
	started := map[string]time.Time{}
	out := map[string]time.Duration{}
	for _, t := range sortedBySeq(ts) {
		switch t.Action {
		case runsheet.Start:
			started[t.Checkpoint] = t.At
		case runsheet.Finish:
			if s, ok := started[t.Checkpoint]; ok {
				out[t.Checkpoint] = t.At.Sub(s)
			}
		case runsheet.Reopen:
			delete(started, t.Checkpoint)
		}
	}
	return out, nil
}

func sortedBySeq(ts []runsheet.Transition) []runsheet.Transition {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Seq < ts[j-1].Seq; j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
	return ts
}
