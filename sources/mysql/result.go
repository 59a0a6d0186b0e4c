package mysql

import (
	"strings"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// The lag sources, as the lag_source fact names them.
const (
	lagHeartbeat     = "heartbeat"
	lagReplicaStatus = "replica_status"
	lagAurora        = "aurora"
	lagGTID          = "gtid"
)

// lagReading is the node's lag and how it was measured.
type lagReading struct {
	value  *float64
	source string
	note   string // why the preferred method gave nothing
}

// measureLag picks the lag of a replicating node: the heartbeat when configured, else the
// replica status, else Aurora's cluster status. Unknown is nil, never 0. One exception: a
// frozen (read-only) primary writes no more heartbeats, so once the node's GTIDs show it has
// applied everything that primary has, with both threads running, the lag is 0 ("gtid").
func (s *Source) measureLag(o *observation, cmp comparison) lagReading {
	if o.aurora != nil {
		return lagReading{value: o.aurora.Lag, source: lagAurora}
	}
	if len(o.channels) == 0 {
		return lagReading{}
	}
	running := true
	for _, c := range o.channels {
		running = running && c.IORunning && c.SQLRunning
	}
	if s.hb != nil {
		if cmp.done && cmp.covered && cmp.frozen && running {
			return lagReading{value: sources.Float(0), source: lagGTID}
		}
		if o.hbLag != nil {
			return lagReading{value: o.hbLag, source: lagHeartbeat}
		}
		if o.hbAhead { // the replica status cannot stand in: it is what the heartbeat replaces
			return lagReading{source: lagHeartbeat, note: o.hbErr}
		}
	}
	r := lagReading{source: lagReplicaStatus}
	if o.hbErr != "" {
		r.note = o.hbErr
	}
	for _, c := range o.channels {
		if c.Lag == nil {
			return lagReading{source: lagReplicaStatus, note: r.note}
		}
		if r.value == nil || *c.Lag > *r.value {
			r.value = sources.Float(*c.Lag)
		}
	}
	return r
}

// result turns one observation into the board's result.
func (s *Source) result(o *observation, expect string, cmp comparison, note string, now time.Time) sources.Result {
	lag := s.measureLag(o, cmp)
	st := sources.OK
	var detail []string
	strays := s.stray.list()
	if len(strays) > 0 {
		st = sources.Crit
		detail = append(detail, "STRAY WRITE since "+strays[0].First.Local().Format("15:04:05"))
	}
	lastErr := ""
	for _, c := range o.channels {
		if p := c.threadProblem(); p != "" {
			st = sources.Worst(st, sources.Crit)
			detail = append(detail, channelLabel(c, len(o.channels))+p)
			if lastErr == "" {
				lastErr = c.lastError()
			}
		}
	}
	if lag.value != nil {
		st = sources.Worst(st, s.lag.Status(*lag.value))
		detail = append(detail, formatLag(*lag.value)+" lag · "+strings.ReplaceAll(lag.source, "_", " "))
	} else if o.replicating() {
		st = sources.Worst(st, sources.Warn)
		detail = append(detail, "lag unknown")
	}
	if lag.note != "" {
		st = sources.Worst(st, sources.Warn)
		detail = append(detail, lag.note)
	}
	roStatus, roText := readOnlyVerdict(o, expect)
	st = sources.Worst(st, roStatus)
	detail = problemsFirst(detail, roText, roStatus != sources.OK, strayText(strays))
	if s.replicaOf != "" && !o.replicating() && expect != expectWritable {
		st = sources.Worst(st, sources.Warn)
		detail = append(detail, "not replicating from "+s.replicaOf)
	}
	if note != "" {
		detail = append(detail, note)
	}
	r := sources.Result{Status: st, Value: lag.value, Unit: "s", Detail: strings.Join(detail, " · ")}
	r.Series = channelSeries(o, lag, now)
	r.Facts = s.facts(o, expect, lag, strays, lastErr)
	return r
}

func channelLabel(c channel, n int) string {
	if n < 2 {
		return ""
	}
	return channelName(c) + ": "
}

func channelName(c channel) string {
	if c.Name == "" {
		return "default"
	}
	return c.Name
}

// channelSeries gives each channel of a multi-source replica its own series beside the main
// one; a single channel is the main series.
func channelSeries(o *observation, lag lagReading, now time.Time) []sources.SeriesResult {
	if len(o.channels) < 2 {
		return nil
	}
	out := []sources.SeriesResult{seriesOf("", lag.value, sources.Unknown, now)}
	for _, c := range o.channels {
		st := sources.OK
		if c.threadProblem() != "" {
			st = sources.Crit
		}
		out = append(out, seriesOf(channelName(c), c.Lag, st, now))
	}
	return out
}

func seriesOf(name string, v *float64, st sources.Status, now time.Time) sources.SeriesResult {
	p := sources.Point{Time: now, Null: v == nil}
	if v != nil {
		p.Value = *v
	}
	return sources.SeriesResult{Name: name, Unit: "s", Status: st, Value: v, Points: []sources.Point{p}}
}

// readOnlyVerdict holds the node's read-only state against the expectation: writable when
// expected read-only is crit, read-only when expected writable is warn.
func readOnlyVerdict(o *observation, expect string) (sources.Status, string) {
	ro := o.readOnly()
	word := "read-only"
	if b := o.vars.flag("super_read_only"); b != nil && *b {
		word = "super-read-only"
	}
	switch {
	case expect == expectReadOnly && !ro:
		return sources.Crit, "WRITABLE, expected read-only"
	case expect == expectWritable && ro:
		return sources.Warn, word + ", expected writable"
	case expect == expectReadOnly:
		return sources.OK, word + " ✓"
	case expect == expectWritable:
		return sources.OK, "writable ✓"
	case ro:
		return sources.OK, word
	}
	return sources.OK, "writable"
}

// facts are the check --json facts of a successful poll.
func (s *Source) facts(o *observation, expect string, lag lagReading, strays []strayEntry, lastErr string) map[string]any {
	f := map[string]any{
		"role": "primary", "read_only": o.readOnly(), "expect": expect,
		"io_running": nil, "sql_running": nil, "lag_s": nil, "lag_source": nil,
		"stray_writes": len(strays) > 0, "errant_gtids": gtids(strays), "last_error": lastErr,
		"dialect": o.info.Dialect, "version": o.info.Version,
	}
	if o.replicating() {
		f["role"] = "replica"
	}
	if len(o.channels) > 0 {
		io, sqlRun := true, true
		for _, c := range o.channels {
			io, sqlRun = io && c.IORunning, sqlRun && c.SQLRunning
		}
		f["io_running"], f["sql_running"] = io, sqlRun
	}
	if lag.value != nil {
		f["lag_s"], f["lag_source"] = *lag.value, lag.source
	}
	return f
}

// failed is the result of a poll that could not read the node.
func (s *Source) failed(err error, expect string) sources.Result {
	msg := s.node.scrub(err.Error())
	strays := s.stray.list()
	f := map[string]any{
		"role": nil, "read_only": nil, "expect": expect, "io_running": nil, "sql_running": nil,
		"lag_s": nil, "lag_source": nil, "stray_writes": len(strays) > 0, "errant_gtids": gtids(strays),
		"last_error": msg, "dialect": nil, "version": nil,
	}
	if s.lastInfo != nil {
		f["dialect"], f["version"] = s.lastInfo.Dialect, s.lastInfo.Version
	}
	detail := "DOWN · " + reasonOf(msg)
	if len(strays) > 0 {
		detail = "STRAY WRITE " + strays[0].Text + " · " + detail
	}
	return sources.Result{Status: sources.Crit, Failed: true, Unit: "s", Error: msg, Detail: detail, Facts: f}
}

// reasonOf is what is wrong, in words: the part of an error before the step and the DSN
// ("connection refused · connect u:***@tcp(h)/"), else the part after the DSN.
func reasonOf(msg string) string {
	if lead, _, ok := strings.Cut(msg, " · "); ok {
		return lead
	}
	if i := strings.Index(msg, ": "); i >= 0 && i+2 < len(msg) {
		return msg[i+2:]
	}
	return msg
}
