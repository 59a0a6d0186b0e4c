package datadog

import (
	"context"
	"fmt"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// maxBisect is how many extra requests one poll may spend finding the query that made
// Datadog reject a batch (400): about 2·log2(n) for one bad query among n.
const maxBisect = 10

// pollState is what polls remember; only the poll holding Client.sem touches it.
type pollState struct {
	rate      rateState
	batchSize int            // queries per request; halved if Datadog rejects a size
	rejected  map[int]string // metric index → why Datadog rejected its query (asked no more)
	authErr   string         // set once Datadog refused the keys: polling has stopped
	announced bool           // authErr has been put in the event log
	last      []sources.Report
	requests  int // requests made by the current poll
}

func newPollState() pollState {
	return pollState{rate: newRateState(), batchSize: MaxQueriesPerRequest, rejected: map[int]string{}}
}

// outcome is what one poll learned about one metric.
type outcome struct {
	series  []metricSeries
	err     string
	remarks string
}

// poll is the job's poll function: see Job.
func (c *Client) poll(ctx context.Context) []sources.Report {
	if len(c.metrics) == 0 {
		return nil
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return c.allFailed("the previous Datadog poll is still running", 0, "")
	}
	defer func() { <-c.sem }()

	start := c.now()
	if c.authErr != "" {
		return c.allFailed(c.authErr, authStopWait, "")
	}
	if wait := c.rate.notBefore.Sub(start); wait > 0 {
		return c.waiting(wait)
	}
	outs := make([]outcome, len(c.metrics))
	c.requests = 0
	fatal := c.fetch(ctx, outs)
	now := c.now()

	var nextIn time.Duration
	var note string
	switch {
	case fatal != nil && fatal.kind == failAuth:
		c.authErr = fatal.msg + "; Datadog polling has stopped until warroom restarts"
		return c.allFailed(c.authErr, authStopWait, c.authErr)
	case fatal != nil && fatal.kind == failRate:
		wait := c.rate.rateLimited(now)
		nextIn = now.Sub(start) + wait
		say := fmt.Sprintf(": waiting %s for it to reset", roundUp(wait))
		for i := range outs {
			if outs[i].err == fatal.msg || outs[i].err == notPolledRate {
				outs[i].err += say
			}
		}
	default:
		planned := (len(c.active()) + c.batchSize - 1) / c.batchSize
		if next, n := c.rate.budget(start, now, c.interval, planned); next > c.interval {
			nextIn, note = next, n
			c.rate.notBefore = maxTime(c.rate.notBefore, start.Add(next*9/10))
		}
	}
	reports := make([]sources.Report, len(c.metrics))
	for i := range c.metrics {
		reports[i] = sources.Report{Source: c.metrics[i].Name, Result: c.result(i, outs[i], note)}
		reports[i].Result.NextIn = nextIn
	}
	c.last = reports
	return reports
}

// active lists the metrics still asked for (not rejected by Datadog).
func (c *Client) active() []int {
	idxs := make([]int, 0, len(c.metrics))
	for i := range c.metrics {
		if _, bad := c.rejected[i]; !bad {
			idxs = append(idxs, i)
		}
	}
	return idxs
}

// fetch asks for every active metric, batchSize queries per request, and fills outs. It
// returns the error that stopped it early (keys refused, rate limit, Datadog unreachable).
func (c *Client) fetch(ctx context.Context, outs []outcome) *callError {
	for i, why := range c.rejected {
		outs[i].err = why
	}
	active := c.active()
	bisect := maxBisect
	for len(active) > 0 {
		n := min(c.batchSize, len(active))
		batch := active[:n]
		active = active[n:]
		if fatal := c.fetchGroup(ctx, batch, outs, &bisect); fatal != nil {
			markNotPolled(outs, active, fatal)
			return fatal
		}
	}
	return nil
}

// fetchGroup asks for the metrics at idxs in one request. When Datadog rejects a request of
// several queries, it splits the request in two to find the bad query (within the bisect
// budget and the rate limit), and remembers that query as rejected: it is not asked for
// again. It returns an error only when the rest of the poll should not be tried.
func (c *Client) fetchGroup(ctx context.Context, idxs []int, outs []outcome, bisect *int) *callError {
	d, cerr := c.query(ctx, idxs)
	if cerr == nil {
		for k, i := range idxs {
			outs[i] = outcome{series: d.bySlot[k], remarks: d.remarks}
		}
		return nil
	}
	if cerr.kind != failRejected {
		for _, i := range idxs {
			outs[i].err = cerr.msg
		}
		if cerr.kind == failAuth || cerr.kind == failRate || cerr.kind == failTransport {
			return cerr
		}
		return nil
	}
	if len(idxs) == 1 {
		c.rejected[idxs[0]] = c.rejectedMessage(idxs[0], cerr.msg)
		outs[idxs[0]].err = c.rejected[idxs[0]]
		return nil
	}
	if *bisect < 2 || (c.rate.remaining >= 0 && c.rate.remaining < 2) {
		for _, i := range idxs {
			outs[i].err = cerr.msg + "; one of these queries is wrong"
		}
		return nil
	}
	*bisect -= 2
	before := len(c.rejected)
	h := len(idxs) / 2
	if fatal := c.fetchGroup(ctx, idxs[:h], outs, bisect); fatal != nil {
		markNotPolled(outs, idxs[h:], fatal) // the half not yet asked
		return fatal
	}
	if fatal := c.fetchGroup(ctx, idxs[h:], outs, bisect); fatal != nil {
		return fatal
	}
	if len(c.rejected) == before && !anyFailed(outs, idxs) {
		// Both halves went through: the request was too big, not wrong. The larger half
		// was small enough (or has lowered batchSize further on its own way down).
		c.batchSize = max(1, min(c.batchSize, len(idxs)-h))
	}
	return nil
}

// markNotPolled fails the metrics at idxs, which were not asked for because fatal stopped the
// poll first: they have no answer (Failed, so they count against staleness), and say why
// rather than "no data".
func markNotPolled(outs []outcome, idxs []int, fatal *callError) {
	msg := "not polled: " + fatal.msg
	if fatal.kind == failRate {
		msg = notPolledRate
	}
	for _, i := range idxs {
		outs[i] = outcome{err: msg}
	}
}

// notPolledRate is the error of a metric not asked for because Datadog's rate limit was hit
// by an earlier request of the same poll.
const notPolledRate = "not polled: rate limited"

func anyFailed(outs []outcome, idxs []int) bool {
	for _, i := range idxs {
		if outs[i].err != "" {
			return true
		}
	}
	return false
}

func (c *Client) rejectedMessage(i int, msg string) string {
	where := ""
	if p := c.metrics[i].Pos; p.Line > 0 {
		where = fmt.Sprintf(" (config line %d)", p.Line)
	}
	return fmt.Sprintf("%s; fix this metric's query%s and restart warroom — it is not asked for until then", msg, where)
}

// allFailed is the same failure for every metric, with event (when not "") logged once,
// on the first metric's report.
func (c *Client) allFailed(msg string, nextIn time.Duration, event string) []sources.Report {
	reports := make([]sources.Report, len(c.metrics))
	for i, m := range c.metrics {
		r := c.result(i, outcome{err: msg}, "")
		r.NextIn = nextIn
		reports[i] = sources.Report{Source: m.Name, Result: r}
	}
	if event != "" && !c.announced {
		c.announced = true
		reports[0].Result.Events = []string{event}
	}
	return reports
}

// waiting answers a poll that came before the rate limit allows another request: the last
// results again (their points are Datadog's, so nothing is counted twice), or, before any,
// an error saying how long until the next request.
func (c *Client) waiting(wait time.Duration) []sources.Report {
	if c.last == nil {
		msg := fmt.Sprintf("waiting %s for Datadog's rate limit to reset before the first request", roundUp(wait))
		return c.allFailed(msg, wait, "")
	}
	reports := make([]sources.Report, len(c.last))
	copy(reports, c.last)
	for i := range reports {
		reports[i].Result.NextIn = wait
		reports[i].Result.Events = nil
	}
	return reports
}

// roundUp is d in whole seconds, rounded up: a row that says "waiting 2s" is not polled
// before 2 s are up.
func roundUp(d time.Duration) string {
	return formatSeconds(((d + time.Second - 1) / time.Second) * time.Second)
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
