package tui

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/warroom-dev/warroom/board"
	"github.com/warroom-dev/warroom/widgets"
)

// zoomed is the index of the zoomed source, or -1.
func (m *Model) zoomed() int {
	if m.zoom == "" {
		return -1
	}
	for i, s := range m.snap.Sources {
		if s.Name == m.zoom && m.shows(s.Name) {
			return i
		}
	}
	return -1
}

// toggleZoom opens the selected source over the charts pane, or closes the zoom.
func (m *Model) toggleZoom() {
	if m.zoom != "" {
		m.zoom = ""
		return
	}
	rows := m.chartRows()
	if m.focus == paneCharts {
		m.chartSel = sourceRow(rows, m.chartSel, 1) // not yet drawn since the focus came here
	}
	if m.focus != paneCharts || m.chartSel >= len(rows) || rows[m.chartSel].section != "" {
		m.setFlash("z zooms the selected source: tab to the charts, then j/k to pick one", widgets.LevelUnknown)
		return
	}
	m.zoom = m.snap.Sources[rows[m.chartSel].source].Name
}

// zoomPane draws the zoomed source in w×h cells.
func (m *Model) zoomPane(w, h int) []string {
	i := m.zoomed()
	if i < 0 {
		return lines(m.styles.Muted.Render(" the zoomed source is gone (filtered out?) · esc returns"), w, h)
	}
	src := m.snap.Sources[i]
	n := widgets.TallPlotWidth(w)
	step, end, ahead := m.pageColumns(n)
	idx := make([]int, max(1, min(len(src.Series), widgets.MaxZoomSeries)))
	for k := range idx {
		idx[k] = k
	}
	z := widgets.Zoom{Chart: m.chart(i, idx, n, step, end), Facts: readableFacts(src, m.deps.Loc),
		HeadLevel: widgets.Level(src.Effective())}
	z.Chart.Ahead = ahead
	z.Head = m.zoomHead(src, w-1)
	// One cell of margin on the left, as the charts pane has for its selection mark.
	out := strings.Split(m.styles.Zoom(z, w-1, h, m.deps.Loc), "\n")
	for k := range out {
		out[k] = " " + out[k]
	}
	return exact(strings.Join(out, "\n"), w, h)
}

// zoomHead is the zoom's head line in w cells: what it shows and how to leave it never cut
// ("esc returns"), the kind and the time of the last answer only where they fit.
func (m *Model) zoomHead(src board.SourceState, w int) string {
	tail := " · " + m.windowLabel() + " · esc returns"
	if src.Stale {
		tail = " · stale" + tail
	}
	head := src.Name + " · " + src.Kind + " · " + src.Effective().String()
	if !src.LastSuccess.IsZero() {
		if long := head + " · last answer " + src.LastSuccess.In(m.deps.Loc).Format("15:04:05"); ansi.StringWidth(long+tail) <= w {
			return long + tail
		}
	}
	if ansi.StringWidth(head+tail) > w {
		head = src.Name + " · " + src.Effective().String()
	}
	return head + tail
}

// factOrder puts the facts people look for first, per kind; the rest follow by name.
var factOrder = []string{"error", "last_error", "status_code", "latency_ms", "phases_ms", "served_by",
	"tls_days_left", "answers", "matched", "ttl_s", "role", "read_only", "expect", "lag_s", "lag_source",
	"io_running", "sql_running", "stray_writes", "errant_gtids", "dialect", "version", "query", "points",
	"last_point_at", "series_count", "rate_limit_remaining"}

// factKeys are the facts' keys, those people look for first (factOrder), then by name.
func factKeys(facts map[string]any) []string {
	keys := make([]string, 0, len(facts))
	for k := range facts {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		if i := slices.Index(factOrder, k); i >= 0 {
			return i
		}
		return len(factOrder)
	}
	sort.Slice(keys, func(a, b int) bool {
		if ra, rb := rank(keys[a]), rank(keys[b]); ra != rb {
			return ra < rb
		}
		return keys[a] < keys[b]
	})
	return keys
}

// readableFacts turns a source's facts (and its error and before/after) into words.
func readableFacts(s board.SourceState, loc *time.Location) []widgets.Fact {
	keys := factKeys(s.Facts)
	var out []widgets.Fact
	if s.Error != "" && s.Facts["error"] == nil {
		out = append(out, widgets.Fact{Name: "error", Value: s.Error})
	}
	if s.Detail != "" {
		out = append(out, widgets.Fact{Name: "now", Value: s.Detail})
	}
	for _, k := range keys {
		v := factValue(k, s.Facts[k])
		if t, err := time.Parse(time.RFC3339, v); err == nil && strings.HasSuffix(k, "_at") {
			v = t.In(loc).Format("15:04:05") // "last point at 10:13:28", in the board's zone
		}
		out = append(out, widgets.Fact{Name: factName(k), Value: v})
	}
	// What is known first: an empty error or a primary's lag ("–") last, not at the top.
	sort.SliceStable(out, func(a, b int) bool { return out[a].Value != "–" && out[b].Value == "–" })
	return out
}

// factName is a fact's key in words: "lag_source" → "lag source", "phases_ms" → "phases".
func factName(k string) string {
	for _, suf := range []string{"_ms", "_s"} {
		k = strings.TrimSuffix(k, suf)
	}
	return strings.ReplaceAll(k, "_", " ")
}

// factValue is a fact's value in words, with the unit its key names.
func factValue(k string, v any) string {
	unit := ""
	switch {
	case strings.HasSuffix(k, "_ms"):
		unit = "ms"
	case strings.HasSuffix(k, "_s"):
		unit = "s"
	}
	switch x := v.(type) {
	case nil:
		return "–"
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		if unit != "" {
			return widgets.FormatValue(x, unit)
		}
		return fmt.Sprintf("%.4g", x)
	case int:
		return factValue(k, float64(x))
	case int64:
		return factValue(k, float64(x))
	case []any:
		if len(x) == 0 {
			return "–"
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = factValue("", e)
		}
		return strings.Join(parts, ", ")
	case []string:
		if len(x) == 0 {
			return "–"
		}
		return strings.Join(x, ", ")
	case map[string]any:
		return factMap(k, unit, x)
	case map[string]float64:
		return factMap(k, unit, anyMap(x))
	case map[string]int: // served_by_share as the health probes report it
		return factMap(k, unit, anyMap(x))
	case string:
		if x == "" {
			return "–"
		}
	}
	return fmt.Sprint(v)
}

// anyMap is a map of numbers as a map[string]any of float64, the shape a recording has.
func anyMap[N int | float64](x map[string]N) map[string]any {
	m := make(map[string]any, len(x))
	for k, v := range x {
		m[k] = float64(v)
	}
	return m
}

// factMap is a map fact: "connect 5 ms · dns 2 ms", or shares, largest first, as
// "aws-1 70% · aws-2 30%"; "–" when empty.
func factMap(k, unit string, x map[string]any) string {
	if len(x) == 0 {
		return "–"
	}
	keys := make([]string, 0, len(x))
	for kk := range x {
		keys = append(keys, kk)
	}
	sort.Strings(keys)
	share := strings.HasSuffix(k, "_share") // whole percent per backend
	if share {
		sort.SliceStable(keys, func(a, b int) bool { return number(x[keys[a]]) > number(x[keys[b]]) })
	}
	parts := make([]string, len(keys))
	for i, kk := range keys {
		val := x[kk]
		if f, ok := val.(float64); ok && share {
			parts[i] = fmt.Sprintf("%s %.0f%%", kk, f)
			continue
		}
		if f, ok := val.(float64); ok && k == "served_by" && f <= 1 {
			parts[i] = fmt.Sprintf("%s %.0f%%", kk, f*100)
			continue
		}
		if f, ok := val.(float64); ok && unit != "" {
			parts[i] = kk + " " + widgets.FormatValue(f, unit)
			continue
		}
		parts[i] = kk + " " + factValue(kk, val)
	}
	return strings.Join(parts, " · ")
}

// number is v as a float64, 0 when it is not a number.
func number(v any) float64 {
	f, _ := v.(float64)
	return f
}
