package postgres

// The lag sources, as the lag_source fact names them.
const (
	lagHeartbeat = "heartbeat" // the heartbeat table's age by the node's clock
	lagReplay    = "replay"    // a standby: now - pg_last_xact_replay_timestamp(); 0 when it replayed all it received
	lagConfirmed = "confirmed" // caught up: everything the primary or publisher wrote is applied or confirmed
	lagPublisher = "publisher" // a subscriber: the publisher's walsender replay_lag
	lagAurora    = "aurora"    // aurora_replica_status().replica_lag_in_msec
)

// lagReading is the node's lag and how it was measured.
type lagReading struct {
	value  *float64
	source string
	bytes  *float64
	note   string // why the preferred method gave nothing
}

// measureLag picks the lag of a replicating node. Unknown is nil, never 0.
func (s *Source) measureLag(o *observation) lagReading {
	var r lagReading
	switch o.replication() {
	case replAurora:
		return lagReading{value: o.aurora.Lag, source: lagAurora}
	case replStreaming:
		r = streamingLag(o)
	case replLogical:
		r = logicalLag(o)
	default:
		return lagReading{}
	}
	if s.hb == nil {
		return r
	}
	// A frozen primary writes no more heartbeats: once the node has everything it wrote, the
	// lag is 0, however old the newest heartbeat is.
	if r.source == lagConfirmed && o.upstream != nil && o.upstream.readOnly {
		return r
	}
	if o.hbLag != nil {
		return lagReading{value: o.hbLag, source: lagHeartbeat, bytes: r.bytes}
	}
	r.note = o.hbErr
	return r
}

// streamingLag is a standby's lag: 0 when it has replayed everything it received (an idle
// primary is not lag) while receiving, else the age of the last replayed transaction. With
// the WAL receiver down there is no lag to give: nil. Bytes are measured against the primary
// when replica_of names it, else between received and replayed WAL.
func streamingLag(o *observation) lagReading {
	recv, okR := parseLSN(o.vars.str("receive_lsn"))
	replay, okP := parseLSN(o.vars.str("replay_lsn"))
	r := lagReading{source: lagReplay}
	if u := o.upstream; u != nil && u.lsnOK && okP {
		r.bytes = ptr(float64(sat(u.lsn, replay)))
		if replay >= u.lsn {
			r.value, r.source = ptr(0), lagConfirmed
			return r
		}
	} else if okR && okP {
		r.bytes = ptr(float64(sat(recv, replay)))
	}
	if !o.receiving() {
		return lagReading{source: lagReplay, bytes: r.bytes}
	}
	if okR && okP && replay >= recv {
		r.value = ptr(0)
		return r
	}
	r.value = o.vars.num("replay_age_s")
	if r.value != nil && *r.value < 0 {
		r.value = ptr(0)
	}
	return r
}

// logicalLag is a subscriber's lag, seen from the publisher (replica_of): 0 when the
// subscriber has confirmed everything the publisher has written, however long the publisher
// has been idle; else the walsender's replay_lag. Without the publisher it is unknown.
func logicalLag(o *observation) lagReading {
	u := o.upstream
	if u == nil {
		return lagReading{source: lagPublisher}
	}
	var r lagReading
	for _, sub := range o.subs {
		ps, ok := u.slots[sub.Slot]
		if !ok || !sub.Running {
			return lagReading{source: lagPublisher, bytes: ps.LagBytes}
		}
		if ps.LagBytes != nil && (r.bytes == nil || *ps.LagBytes > *r.bytes) {
			r.bytes = ptr(max(*ps.LagBytes, 0))
		}
		var v *float64
		switch {
		case ps.Confirmed:
			v = ptr(0)
		case ps.ReplayLag != nil:
			v = ps.ReplayLag
		default:
			return lagReading{source: lagPublisher, bytes: r.bytes}
		}
		if r.value == nil || *v > *r.value {
			r.value = v
			r.source = lagPublisher
			if ps.Confirmed {
				r.source = lagConfirmed
			}
		}
	}
	if r.source == "" {
		r.source = lagPublisher
	}
	return r
}

// sat is a - b, or 0 when b is ahead.
func sat(a, b uint64) uint64 {
	if b >= a {
		return 0
	}
	return a - b
}
