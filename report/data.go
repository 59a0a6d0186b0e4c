// Package report writes the postmortem of a cutover from its recording: summary, plan vs
// actual per checkpoint (a table and a Gantt chart with the critical path), crit and warn
// periods per source, stray writes, DNS and served-by flips, before/after per metric, and a
// chart of every metric over the whole run — as one self-contained HTML file or as Markdown
// with SVG images beside it. It polls nothing: everything comes from the recording.
package report

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"time"

	"github.com/warroom-dev/warroom/record"
	"github.com/warroom-dev/warroom/runsheet"
	"github.com/warroom-dev/warroom/widgets"
)

// Data is a recording folded for the report.
type Data struct {
	Title    string
	Path     string
	Sessions []Session
	Torn     bool // the file ends in a torn frame (a crash while writing)
	Skipped  int  // lines or frames that did not read
	Plan     record.Plan
	Sources  []record.Source
	First    time.Time // the first and last time the recording holds
	Last     time.Time

	Transitions []runsheet.Transition // by seq, each once
	Events      []record.Event        // events added from outside the board's ingest
	series      map[string]*seriesData
	order       []string // series keys in first-seen order
	statuses    map[string][]statusAt
	flips       []Flip
	strays      []Stray
}

// Session is one recording process's stretch of the file.
type Session struct {
	Header     record.Header
	First      time.Time
	Last       time.Time
	EndedClean bool
}

type seriesData struct {
	source, name, unit string
	points             []widgets.SVGPoint
	lastMs             int64
}

type statusAt struct {
	at     time.Time
	status string
	why    string
}

// Flip is a change of what a source answered: DNS answers or the backend that served.
type Flip struct {
	At       time.Time
	Source   string
	Kind     string // "dns" or "served-by"
	From, To string
}

// Stray is a stretch during which a node expected read-only saw writes.
type Stray struct {
	Source     string
	Start, End time.Time // End zero: still there when the recording ends
	GTIDs      string
}

// Load reads a recording for the report.
func Load(path string) (*Data, error) {
	r, err := record.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	d := &Data{Path: path, series: map[string]*seriesData{}, statuses: map[string][]statusAt{}}
	seen := map[int64]bool{}
	facts := map[string]map[string]any{}
	for {
		l, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		d.fold(l, seen, facts)
	}
	d.Torn, d.Skipped = r.Torn, r.Skipped
	sort.SliceStable(d.Transitions, func(i, j int) bool { return d.Transitions[i].Seq < d.Transitions[j].Seq })
	return d, nil
}

// fold takes one line into the data.
func (d *Data) fold(l record.Line, seen map[int64]bool, facts map[string]map[string]any) {
	switch l.K {
	case record.KindHeader:
		h := *l.Header
		d.Sessions = append(d.Sessions, Session{Header: h, First: h.Started, Last: h.Started})
		d.Title, d.Plan = h.Title, h.Runsheet
		d.mergeSources(h.Sources)
		d.see(h.Started)
	case record.KindResult:
		d.result(l.Result, facts)
	case record.KindEvent:
		d.Events = append(d.Events, *l.Event)
		d.see(l.Event.At)
	case record.KindTransition:
		t := *l.Transition
		if !seen[t.Seq] {
			seen[t.Seq] = true
			d.Transitions = append(d.Transitions, t)
		}
	case record.KindEnd:
		if n := len(d.Sessions); n > 0 {
			d.Sessions[n-1].EndedClean = true
		}
		d.see(l.End.At)
	}
}

// see widens the recording's time span and the current session's.
func (d *Data) see(t time.Time) {
	if t.IsZero() {
		return
	}
	if d.First.IsZero() || t.Before(d.First) {
		d.First = t
	}
	if t.After(d.Last) {
		d.Last = t
	}
	if n := len(d.Sessions); n > 0 && t.After(d.Sessions[n-1].Last) {
		d.Sessions[n-1].Last = t
	}
}

func (d *Data) mergeSources(srcs []record.Source) {
	for _, s := range srcs {
		found := false
		for i := range d.Sources {
			if d.Sources[i].Name == s.Name {
				d.Sources[i], found = s, true
			}
		}
		if !found {
			d.Sources = append(d.Sources, s)
		}
	}
}

// result folds one poll: its points, its status, and the facts whose changes are flips.
func (d *Data) result(r *record.Result, facts map[string]map[string]any) {
	d.see(r.At)
	if len(r.Series) == 0 {
		d.addPoint(r.Source, "", r.Unit, r.At, r.Value)
	}
	for _, s := range r.Series {
		if len(s.Points) == 0 {
			d.addPoint(r.Source, s.Name, s.Unit, r.At, s.Value)
			continue
		}
		for _, p := range s.Points {
			v := p.Value
			if p.Null {
				d.addPoint(r.Source, s.Name, s.Unit, p.Time, nil)
			} else {
				d.addPoint(r.Source, s.Name, s.Unit, p.Time, &v)
			}
		}
	}
	sts := d.statuses[r.Source]
	if len(sts) == 0 || sts[len(sts)-1].status != r.Status {
		why := r.Error
		if why == "" {
			why = r.Detail
		}
		d.statuses[r.Source] = append(sts, statusAt{at: r.At, status: r.Status, why: why})
	}
	prev := facts[r.Source]
	d.flipsOf(r, prev)
	if r.Facts != nil {
		facts[r.Source] = r.Facts
	}
}

// addPoint appends a point to a series, keeping each time once.
func (d *Data) addPoint(src, name, unit string, at time.Time, v *float64) {
	key := src + "/" + name
	s := d.series[key]
	if s == nil {
		s = &seriesData{source: src, name: name, unit: unit}
		d.series[key] = s
		d.order = append(d.order, key)
	}
	if ms := at.UnixMilli(); ms > s.lastMs {
		s.lastMs = ms
		if v == nil {
			s.points = append(s.points, widgets.SVGPoint{Time: at, Null: true})
		} else {
			s.points = append(s.points, widgets.SVGPoint{Time: at, Value: *v})
		}
	}
	if s.unit == "" {
		s.unit = unit
	}
}

// flipsOf notes DNS answer changes, served-by changes and stray writes.
func (d *Data) flipsOf(r *record.Result, prev map[string]any) {
	f := r.Facts
	if f == nil {
		return
	}
	if a, ok := f["answers"]; ok && prev != nil && !reflect.DeepEqual(a, prev["answers"]) && prev["answers"] != nil {
		d.flips = append(d.flips, Flip{At: r.At, Source: r.Source, Kind: "dns", From: text(prev["answers"]), To: text(a)})
	}
	if sb, _ := f["served_by"].(string); sb != "" && prev != nil {
		if old, _ := prev["served_by"].(string); old != "" && old != sb {
			d.flips = append(d.flips, Flip{At: r.At, Source: r.Source, Kind: "served-by", From: old, To: sb})
		}
	}
	stray, _ := f["stray_writes"].(bool)
	was := false
	if prev != nil {
		was, _ = prev["stray_writes"].(bool)
	}
	switch {
	case stray && !was:
		d.strays = append(d.strays, Stray{Source: r.Source, Start: r.At, GTIDs: text(f["errant_gtids"])})
	case !stray && was:
		for i := len(d.strays) - 1; i >= 0; i-- {
			if d.strays[i].Source == r.Source && d.strays[i].End.IsZero() {
				d.strays[i].End = r.At
				break
			}
		}
	}
}

// text renders a fact value for a table.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return "–"
	case string:
		return x
	case []any:
		s := ""
		for i, e := range x {
			if i > 0 {
				s += ", "
			}
			s += text(e)
		}
		return s
	}
	return fmt.Sprint(v)
}
