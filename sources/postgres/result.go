package postgres

import (
	"strings"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// verdict collects a result's status and the parts of its board detail.
type verdict struct {
	st     sources.Status
	detail []string
}

func (v *verdict) add(st sources.Status, text string) {
	v.st = sources.Worst(v.st, st)
	if text != "" {
		v.detail = append(v.detail, text)
	}
}

// result turns one observation into the board's result.
func (s *Source) result(o *observation, expect string, now time.Time) sources.Result {
	lag := s.measureLag(o)
	v := verdict{st: sources.OK}
	if s.stray.active() {
		v.add(sources.Crit, "STRAY WRITE "+s.stray.text+" since "+s.stray.first.Local().Format("15:04:05"))
	}
	lastErr := s.replicationProblems(o, &v)
	if lag.value != nil {
		v.add(s.lag.Status(*lag.value), formatLag(*lag.value)+" lag · "+lag.source)
	} else if o.replication() != "" {
		v.add(sources.Warn, "lag unknown")
	}
	if lag.note != "" {
		v.add(sources.Warn, lag.note)
	}
	v.add(readOnlyVerdict(o, expect))
	if s.replicaOf != "" && o.replication() == "" && expect != expectWritable {
		v.add(sources.Warn, "not replicating from "+s.replicaOf)
	}
	if o.upErr != "" && s.replicaOf != "" && o.replication() != "" {
		v.add(sources.OK, s.replicaOf+" not read: "+reasonOf(o.upErr))
	}
	if len(o.seqBehind) > 0 {
		v.add(sources.Warn, "sequences behind: "+joinNames(o.seqBehind))
	}
	if o.seqNote != "" {
		v.add(sources.Warn, o.seqNote)
	}
	if !o.vars.is("pg_monitor") {
		v.add(sources.Warn, "the monitoring role lacks pg_monitor (GRANT pg_monitor TO it): replication state is hidden")
	}
	r := sources.Result{Status: v.st, Value: lag.value, Unit: "s", Detail: strings.Join(v.detail, " · ")}
	r.Facts = s.facts(o, expect, lag, lastErr)
	return r
}

// replicationProblems adds what is wrong with the node's replication to v and returns the
// first problem for the last_error fact.
func (s *Source) replicationProblems(o *observation, v *verdict) string {
	var problems []string
	crit := func(text string) {
		v.add(sources.Crit, text)
		problems = append(problems, text)
	}
	if o.replication() == replStreaming {
		if !o.receiving() {
			st := o.vars.str("receiver_status")
			if st == "" {
				st = "not running"
			}
			crit("WAL receiver " + st + ": not streaming from the primary")
		}
		if o.vars.is("replay_paused") {
			crit("replay paused (SELECT pg_wal_replay_resume() resumes it)")
		}
	}
	for _, sub := range o.subs {
		if p := sub.problem(); p != "" {
			crit(p)
		}
	}
	if u := o.upstream; u != nil {
		for _, sub := range o.subs {
			if ps, ok := u.slots[sub.Slot]; !ok && sub.Slot != "" {
				crit("slot " + sub.Slot + " missing on " + s.replicaOf)
			} else if ps.WALStatus == "lost" {
				crit("slot " + sub.Slot + " lost on " + s.replicaOf + ": the subscriber can never catch up")
			}
		}
	}
	for _, sl := range o.slots {
		if c, text := sl.problem(); c {
			crit(text)
		} else if text != "" {
			v.add(sources.Warn, text)
		}
	}
	if len(o.standbys) > 0 {
		v.add(sources.OK, standbySummary(o.standbys))
	}
	if len(problems) == 0 {
		return ""
	}
	return problems[0]
}

// standbySummary says how many standbys stream from the node ("2 standbys streaming").
func standbySummary(ss []standby) string {
	streaming, other := 0, []string{}
	for _, s := range ss {
		if s.Logical {
			continue
		}
		if s.State == "streaming" {
			streaming++
		} else {
			other = append(other, s.Name+" "+s.State)
		}
	}
	if streaming+len(other) == 0 {
		return ""
	}
	text := ""
	switch streaming {
	case 0:
	case 1:
		text = "1 standby streaming"
	default:
		text = itoa(streaming) + " standbys streaming"
	}
	if len(other) > 0 {
		text = strings.TrimPrefix(text+", "+strings.Join(other, ", "), ", ")
	}
	return text
}

// readOnlyVerdict holds the node's read-only state against the expectation: writable when
// expected read-only is crit, read-only when expected writable is warn.
func readOnlyVerdict(o *observation, expect string) (sources.Status, string) {
	ro := o.readOnly()
	word := "read-only"
	if o.inRecovery() {
		word = "in recovery"
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
