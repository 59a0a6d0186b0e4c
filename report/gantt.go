package report

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/warroom-dev/warroom/sanitize"
)

// Gantt layout, pixels.
const (
	ganttWidth, ganttLabel, ganttRow, ganttTop = 900, 150, 26, 30
)

// gantt draws plan vs actual per checkpoint: the planned bar (hatched outline, red on the
// critical path) and the actual bar over it, coloured by state.
func gantt(rows []CheckpointRow, last time.Time) string {
	t0, t1 := time.Time{}, time.Time{}
	span := func(ts ...time.Time) {
		for _, t := range ts {
			if t.IsZero() {
				continue
			}
			if t0.IsZero() || t.Before(t0) {
				t0 = t
			}
			if t.After(t1) {
				t1 = t
			}
		}
	}
	for _, r := range rows {
		span(r.PlannedStart, r.PlannedEnd, r.Start, r.End)
	}
	h := ganttTop + ganttRow*len(rows) + 40
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n", ganttWidth, h, ganttWidth, h)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", ganttWidth, h)
	b.WriteString(`<text x="8" y="16" font-size="13" font-weight="bold" fill="#111827">Plan vs actual</text>` + "\n")
	b.WriteString(`<rect x="560" y="7" width="14" height="9" fill="none" stroke="#9ca3af"/><text x="578" y="16">planned</text>` +
		`<rect x="636" y="7" width="14" height="9" fill="none" stroke="#dc2626" stroke-width="2"/><text x="654" y="16">critical path</text>` +
		`<rect x="736" y="7" width="14" height="9" fill="#16a34a"/><text x="754" y="16">actual</text>` + "\n")
	if !t1.After(t0) {
		b.WriteString(`<text x="450" y="50" text-anchor="middle" fill="#6b7280">no checkpoint started</text></svg>` + "\n")
		return b.String()
	}
	x0, x1 := float64(ganttLabel), float64(ganttWidth-20)
	x := func(t time.Time) float64 { return x0 + (x1-x0)*t.Sub(t0).Seconds()/t1.Sub(t0).Seconds() }
	bottom := float64(ganttTop + ganttRow*len(rows))
	for k := 0; k <= 6; k++ {
		t := t0.Add(time.Duration(float64(t1.Sub(t0)) * float64(k) / 6))
		anchor := map[int]string{0: "start", 6: "end"}[k]
		if anchor == "" {
			anchor = "middle"
		}
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%.1f" stroke="#f3f4f6"/><text x="%.1f" y="%.1f" text-anchor="%s" fill="#374151">%s</text>`+"\n",
			x(t), ganttTop, x(t), bottom, x(t), bottom+16, anchor, clock(t))
	}
	for i, r := range rows {
		y := float64(ganttTop + ganttRow*i)
		fmt.Fprintf(&b, `<text x="8" y="%.1f" fill="#111827">%s</text>`+"\n", y+16, esc(r.ID))
		if !r.PlannedStart.IsZero() {
			stroke, sw := "#9ca3af", 1
			if r.Critical {
				stroke, sw = "#dc2626", 2
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="18" fill="none" stroke="%s" stroke-width="%d"/>`+"\n",
				x(r.PlannedStart), y+3, max(1, x(r.PlannedEnd)-x(r.PlannedStart)), stroke, sw)
		}
		if !r.Start.IsZero() {
			end := r.End
			if end.IsZero() {
				end = last
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="10" fill="%s"><title>%s %s → %s</title></rect>`+"\n",
				x(r.Start), y+7, max(1, x(end)-x(r.Start)), stateColor(r.State), esc(r.ID), clock(r.Start), clock(r.End))
		}
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func stateColor(state string) string {
	switch state {
	case "done":
		return "#16a34a"
	case "failed":
		return "#dc2626"
	case "skipped":
		return "#9ca3af"
	}
	return "#2563eb"
}

// esc makes outside text safe for HTML and SVG.
func esc(s string) string { return html.EscapeString(sanitize.Line(s)) }
