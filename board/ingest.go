package board

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/warroom-dev/warroom/sources"
)

// Bounds on text from outside, in bytes.
const (
	maxEventText  = 512
	maxError      = 1024
	maxDetail     = 256
	maxSeriesName = 128
	maxEventsPoll = 20 // Result.Events kept per poll
)

// Ingest records one poll's result for a source at time at. Unknown source names are
// ignored. Status changes and Result.Events become events.
//
// The board keeps r.Facts as it is: the caller must not modify the map afterwards.
func (b *Board) Ingest(name string, r sources.Result, at time.Time) {
	for _, o := range b.observed() {
		o.Ingested(name, r, at)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	i, ok := b.byName[name]
	if !ok {
		return
	}
	src := b.srcs[i]
	if !r.Failed { // an answer, even a bad one, is a success: the source is heard from
		if src.stale {
			src.stale = false
			b.event(at, r.Status, src, "stale",
				fmt.Sprintf("%s: fresh again after %s", name, age(at.Sub(b.staleRef(src)))))
		}
		if at.After(src.lastSuccess) {
			src.lastSuccess = at
		}
	}
	src.lastPoll = at
	b.statusEvent(src, r, at)
	src.polls++
	src.status = r.Status
	src.value = own(r.Value)
	src.err = clip(r.Error, maxError)
	src.detail = clip(r.Detail, maxDetail)
	src.planned = clip(r.Planned, maxDetail)
	src.facts = r.Facts
	if src.info.Unit == "" {
		src.info.Unit = r.Unit
	}
	b.record(src, r, at)
	for k, text := range r.Events {
		if k == maxEventsPoll {
			b.event(at, r.Status, src, "source",
				fmt.Sprintf("%s: %d more events not shown", name, len(r.Events)-k))
			break
		}
		b.event(at, r.Status, src, "source", name+": "+clip(text, maxEventText))
	}
	b.checkStale(src, at)
	src.dirty = true
	b.publish()
}

// own returns a pointer the board owns, so no source can change a published value.
func own(v *float64) *float64 {
	if v == nil {
		return nil
	}
	c := *v
	return &c
}

// statusEvent logs a change of the poll's verdict. The first poll of a source logs only a
// verdict worth attention (warn or crit), so a calm start does not flood the log.
func (b *Board) statusEvent(src *source, r sources.Result, at time.Time) {
	if r.Status == src.status || (src.polls == 0 && r.Status.Rank() < sources.Warn.Rank()) {
		return
	}
	text := fmt.Sprintf("%s: %s → %s", src.info.Name, src.status, r.Status)
	if why := r.Error; why != "" {
		text += ": " + why
	} else if r.Detail != "" {
		text += ": " + r.Detail
	}
	b.event(at, r.Status, src, "status", clip(text, maxEventText))
}

// event appends an event made by the board about a source.
func (b *Board) event(at time.Time, st sources.Status, src *source, kind, text string) {
	b.appendEvent(Event{Time: at, Status: st, Source: src.info.Name, Kind: kind, Text: text})
}

// record adds the poll's points to the source's series. Without Result.Series the main
// series gets Result.Value at the poll's time (a gap when it is nil); a SeriesResult without
// points gets its Value at the poll's time the same way.
func (b *Board) record(src *source, r sources.Result, at time.Time) {
	main := src.series[0]
	if len(r.Series) == 0 {
		main.unit, main.status, main.value = src.info.Unit, r.Status, src.value
		main.add(pointAt(at, r.Value), &b.lim)
		return
	}
	sawMain := false
	for _, sr := range r.Series {
		se := b.seriesFor(src, sr.Name, at)
		if se == nil {
			continue
		}
		sawMain = sawMain || se == main
		se.status, se.value = sr.Status, own(sr.Value)
		if se.unit = sr.Unit; se.unit == "" {
			se.unit = src.info.Unit
		}
		pts := sr.Points
		if len(pts) == 0 {
			pts = []sources.Point{pointAt(at, sr.Value)}
		}
		if len(pts) > b.lim.fine {
			pts = pts[len(pts)-b.lim.fine:]
		}
		for _, p := range pts {
			se.add(p, &b.lim)
		}
	}
	if !sawMain {
		main.unit, main.status, main.value = src.info.Unit, r.Status, src.value
	}
}

// seriesFor finds or adds a source's series by name, nil when the source has too many.
func (b *Board) seriesFor(src *source, name string, at time.Time) *series {
	name = clip(name, maxSeriesName)
	for _, se := range src.series {
		if se.name == name {
			return se
		}
	}
	if len(src.series) >= b.opt.MaxSeries {
		if !src.tooMany {
			src.tooMany = true
			b.event(at, sources.Warn, src, "source", fmt.Sprintf(
				"%s: more than %d series; new ones are not shown", src.info.Name, b.opt.MaxSeries))
		}
		return nil
	}
	return b.addSeries(src, name)
}

// staleRef is the time staleness counts from: the last success, or the board's start.
func (b *Board) staleRef(src *source) time.Time {
	if src.lastSuccess.IsZero() {
		return b.created
	}
	return src.lastSuccess
}

// checkStale re-evaluates one source at now and reports whether it changed. A source is
// stale when it has had no successful poll for more than twice its interval (counted from
// the board's start before its first success); a zero interval is never stale.
func (b *Board) checkStale(src *source, now time.Time) bool {
	iv := src.info.Interval
	since := now.Sub(b.staleRef(src))
	stale := iv > 0 && since > 2*iv
	if stale == src.stale {
		return false
	}
	src.stale = stale
	src.dirty = true
	if !stale { // only the board's clock went back; fresh events come with a success
		return true
	}
	text := fmt.Sprintf("%s: stale, no answer for %s", src.info.Name, age(since))
	if src.lastPoll.After(src.lastSuccess) && src.err != "" {
		text = fmt.Sprintf("%s: stale, no successful poll for %s: %s", src.info.Name, age(since), src.err)
	}
	b.event(now, sources.Unknown, src, "stale", clip(text, maxEventText))
	return true
}

// age formats a duration for an event: whole seconds, or milliseconds under a second.
func age(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Second)
}

// clip bounds text from outside to n bytes, cutting at a rune boundary and marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
