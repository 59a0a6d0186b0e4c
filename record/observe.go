package record

import (
	"time"
	"unicode/utf8"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/sanitize"
	"github.com/warroom-dev/warroom/sources"
)

// Ingested records one poll's result (board.Observer). Of each series' points only those
// newer than the newest already recorded for that series are written, so a source that
// returns an overlapping window on every poll (Datadog, the demo's back-fill) costs each
// point once.
func (w *Writer) Ingested(name string, r sources.Result, at time.Time) {
	rec := &Result{At: at, Source: name, Status: r.Status.String(), Value: r.Value, Unit: r.Unit,
		Error: clean(r.Error), Failed: r.Failed, Detail: clean(r.Detail), Facts: r.Facts}
	for _, e := range r.Events {
		rec.Events = append(rec.Events, clean(e))
	}
	if len(r.Series) > 0 {
		rec.Series = w.newPoints(name, r.Series)
	}
	w.add(Line{K: KindResult, Result: rec})
}

// newPoints converts the series of a result, keeping only points not yet recorded.
func (w *Writer) newPoints(name string, in []sources.SeriesResult) []Series {
	out := make([]Series, len(in))
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, sr := range in {
		s := Series{Name: clean(sr.Name), Unit: sr.Unit, Status: sr.Status.String(), Value: sr.Value}
		key := name + "/" + sr.Name
		last, seen := w.last[key]
		for _, p := range sr.Points {
			ms := p.Time.UnixMilli()
			if seen && ms <= last {
				continue
			}
			s.Points = append(s.Points, Point{Time: p.Time, Value: p.Value, Null: p.Null})
			last, seen = ms, true
		}
		if seen {
			w.last[key] = last
		}
		out[i] = s
	}
	return out
}

// Added records an event added to the board from outside its ingest (board.Observer).
func (w *Writer) Added(e board.Event) {
	w.add(Line{K: KindEvent, Event: &Event{At: e.Time, Status: e.Status.String(), Source: clean(e.Source),
		Kind: e.Kind, Text: clean(e.Text)}})
}

// clean bounds and sanitizes text from outside, as the board shows it.
func clean(s string) string {
	if len(s) > maxText {
		cut := maxText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return sanitize.Line(s)
}
