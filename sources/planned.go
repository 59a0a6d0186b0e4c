package sources

import "context"

// Quiet is the expectation a checkpoint may set on a metric: while it holds, the metric's
// thresholds and "no data" are not alarms.
const Quiet = "quiet"

// Normal is the expectation that ends a planned state or quiet: a later checkpoint puts the
// probe or metric back to being judged as configured.
const Normal = "normal"

// PlannedDetail is the board's detail of a result in a planned state: "planned:
// maintenance ✓", then what the source said.
func PlannedDetail(state, detail string) string {
	s := "planned: " + state + " ✓"
	if detail != "" {
		s += " · " + detail
	}
	return s
}

// MuteQuiet applies a quiet expectation to a metric's result: an answer, whatever its
// values and even without data, is ok and planned. A poll that got no answer at all
// (Datadog unreachable, keys rejected) is not what the plan predicted and stays as it is.
func MuteQuiet(r Result) Result {
	if r.Failed {
		return r
	}
	detail := r.Detail
	if detail == "" {
		detail = r.Error
	}
	r.Status, r.Error, r.Planned, r.Detail = OK, "", Quiet, PlannedDetail(Quiet, detail)
	series := make([]SeriesResult, len(r.Series))
	for i, s := range r.Series {
		s.Status = OK
		series[i] = s
	}
	r.Series = series
	return r
}

// QuietJob wraps a job (the Datadog batch) so that each report for a source expected
// quiet right now is muted by MuteQuiet; exp is read on every poll.
func QuietJob(j Job, exp *Expectations) Job {
	poll := j.Poll
	j.Poll = func(ctx context.Context) []Report {
		reports := poll(ctx)
		for i, rep := range reports {
			if exp.Get(rep.Source) == Quiet {
				reports[i].Result = MuteQuiet(rep.Result)
			}
		}
		return reports
	}
	return j
}
