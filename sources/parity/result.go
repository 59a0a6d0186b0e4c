package parity

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/sources"
)

// maxRanges is how many differing ranges the facts list; the rest are counted.
const maxRanges = 20

// ranges are the differences to show: this pass's, then the last pass's that this one has
// not reached yet.
func (s *Source) ranges() []diff {
	out := append([]diff{}, s.walk.found...)
	for _, d := range s.prev {
		if s.walk.cursor == nil || compareKeys(d.from, s.walk.cursor) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// result builds the poll's result; problem, when set, is a crit of its own (a column the new
// side lacks).
func (s *Source) result(st sources.Status, problem string) sources.Result {
	diffs := s.ranges()
	rows := 0
	for _, d := range diffs {
		rows += d.rows()
	}
	r := sources.Result{Status: st, Unit: "rows", Value: sources.Float(float64(rows)), Facts: s.facts(diffs)}
	pending := s.pending + s.suspectRows()
	switch {
	case problem != "":
		r.Status, r.Error, r.Detail = sources.Crit, problem, problem
	case len(diffs) > 0:
		r.Status = sources.Crit
		r.Error = describe(diffs)
		r.Detail = r.Error
	case pending > 0 && s.lagSeen < 0:
		r.Status = sources.Warn
		r.Error = fmt.Sprintf("%s rows on one side only, and no lag of %s known to explain them", count(pending), s.cfg.New)
		r.Detail = r.Error
	default:
		r.Detail = s.progress()
	}
	if pending > 0 && r.Status != sources.Warn {
		r.Detail += fmt.Sprintf(" · %s pending", count(pending))
	}
	if s.pausedBy > 0 {
		r.Detail = fmt.Sprintf("walk paused: %s lags %.0fs (max_lag %v) · %s", s.cfg.New, s.pausedBy, s.cfg.MaxLag.D(), r.Detail)
	}
	return r
}

// withError reports a statement that failed mid-walk: the walk keeps its place.
func (s *Source) withError(err error) sources.Result {
	r := s.result(sources.Unknown, "")
	r.Status, r.Failed, r.Error = sources.Unknown, true, err.Error()
	return r
}

func (s *Source) suspectRows() int64 {
	var n int64
	for _, d := range s.walk.suspects {
		n += int64(d.rows())
	}
	return n
}

// progress is the detail of a walk without differences.
func (s *Source) progress() string {
	if s.last != nil && s.walk.checked == 0 {
		if s.last.equal {
			return fmt.Sprintf("equal · %s rows · checked %s", count(s.oldRows), s.last.at.Format("15:04:05"))
		}
		return fmt.Sprintf("%s rows on old, %s on new · checked %s", count(s.oldRows), count(s.newRows), s.last.at.Format("15:04:05"))
	}
	prefix := "walking"
	if s.last != nil {
		prefix = "equal at " + s.last.at.Format("15:04:05") + " · walking again"
		if !s.last.equal {
			prefix = "walking again"
		}
	}
	return fmt.Sprintf("%s · %s / %s rows checked · 0 differ", prefix, count(s.walk.checked), count(s.oldRows))
}

// describe is the row's text for differences: the first range, then how many more.
func describe(diffs []diff) string {
	d := diffs[0]
	var what []string
	for _, p := range []struct {
		n    int
		text string
	}{{d.missing, "missing on new"}, {d.extra, "extra on new"}, {d.changed, "changed"}} {
		if p.n > 0 {
			what = append(what, fmt.Sprintf("%d %s", p.n, p.text))
		}
	}
	text := fmt.Sprintf("rows %s differ: %s", span2text(d.from, d.to), strings.Join(what, ", "))
	if d.from.String() == d.to.String() {
		text = fmt.Sprintf("row %s differs: %s", d.from, strings.Join(what, ", "))
	}
	if len(diffs) > 1 {
		text += fmt.Sprintf(" · +%d more ranges", len(diffs)-1)
	}
	return text
}

func span2text(a, b key) string {
	if len(a) > 1 {
		return "(" + a.String() + ")–(" + b.String() + ")"
	}
	return a.String() + "–" + b.String()
}

// facts are the gate-readable facts.
func (s *Source) facts(diffs []diff) map[string]any {
	f := map[string]any{
		"old_rows": s.oldRows, "new_rows": s.newRows, "checked_rows": s.walk.checked,
		"pending_rows": s.pending + s.suspectRows(), "differing_ranges_total": len(diffs),
		"paused": s.pausedBy > 0, "equal": nil, "last_full_walk_at": nil, "lag_s": nil,
		"method": s.method,
	}
	if s.lagSeen >= 0 {
		f["lag_s"] = s.lagSeen
	}
	if s.walk.checked == 0 && s.last != nil {
		f["checked_rows"] = s.last.checked // the pass that just ended
	}
	if s.last != nil {
		f["equal"] = s.last.equal && len(diffs) == 0
		f["last_full_walk_at"] = s.last.at.UTC().Format(time.RFC3339)
	} else if len(diffs) > 0 {
		f["equal"] = false // a difference is known before the first pass ends
	}
	list := []any{}
	for _, d := range diffs[:min(len(diffs), maxRanges)] {
		list = append(list, map[string]any{"from": keyValue(d.from), "to": keyValue(d.to),
			"missing_on_new": d.missing, "extra_on_new": d.extra, "changed": d.changed})
	}
	f["differing_ranges"] = list
	return f
}

// keyValue is a key as JSON: a number for a numeric single-column key, text otherwise, a
// list for a composite key.
func keyValue(k key) any {
	if len(k) == 1 {
		return scalar(k[0])
	}
	out := make([]any, len(k))
	for i, v := range k {
		out[i] = scalar(v)
	}
	return out
}

func scalar(v string) any {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n
	}
	return v
}

// count writes a row count short: 950, 12.3k, 3.4M.
func count(n int64) string {
	switch {
	case n >= 10_000_000:
		return fmt.Sprintf("%.0fM", float64(n)/1e6)
	case n >= 1_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 10_000:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return strconv.FormatInt(n, 10)
}
