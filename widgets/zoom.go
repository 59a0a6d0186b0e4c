package widgets

import (
	"fmt"
	"time"
)

// Zoom is one source opened over the charts pane: a head line, one tall chart per series
// (at most MaxZoomSeries) and the source's facts in readable form.
type Zoom struct {
	Head      string // "market (new) · health · ok · last answer 02:41:07"
	HeadLevel Level
	Chart     Chart  // every series; each is drawn as a tall chart of its own
	Facts     []Fact // in the order given
}

// Fact is one named fact, already in words: "served by" "aws-1 70% · aws-2 30%".
type Fact struct{ Name, Value string }

// MaxZoomSeries is how many series a zoom draws.
const MaxZoomSeries = 8

// factW is the width of one column of facts.
const factW = 48

// Zoom renders z in exactly width cells and height lines: the head, the charts (each with
// its current value, the window's lowest and highest point and its p95 in the title line),
// then the facts in as many columns as fit, every fact shown or a "+N more" line.
func (st *Styles) Zoom(z Zoom, width, height int, loc *time.Location) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	series := z.Chart.Series
	if len(series) > MaxZoomSeries {
		series = series[:MaxZoomSeries]
	}
	cols := factCols(z.Facts, width)
	// Every fact shows when the charts keep their smallest height; the charts get the rest.
	factRows := (len(z.Facts) + cols - 1) / cols
	factRows = min(factRows, max(2, height-1-MinTallHeight*max(1, min(len(series), 2))))
	chartsH := height - 1 - factRows
	shown := len(series)
	if shown > 0 && chartsH/shown < MinTallHeight {
		shown = max(0, chartsH/MinTallHeight)
	}
	head := z.Head
	if shown < len(z.Chart.Series) {
		head += fmt.Sprintf(" · %d of %d series shown", shown, len(z.Chart.Series))
	}
	ln := newLine(st, width, false)
	ln.cell(levelPaint(z.HeadLevel), clean(head), width)
	rows := []string{ln.finish(width)}
	for i := 0; i < shown; i++ {
		h := chartsH / shown
		if i == shown-1 {
			h = chartsH - h*(shown-1)
		}
		c := z.Chart
		c.Series = series[i : i+1]
		c.Title = series[i].Name
		if i > 0 {
			c.Note, c.Before, c.After = "", nil, nil // the verdict is the main series'
		}
		rows = append(rows, st.tallChart(c, width, h, loc, 2))
	}
	if shown == 0 {
		rows = append(rows, frame(nil, width, chartsH))
	}
	rows = append(rows, st.facts(z.Facts, width, factRows, cols))
	return frame(splitRows(rows), width, height)
}

// factCols is how many columns of facts a zoom of width cells has: one per factW cells, or
// more when every fact still fits whole in them (up to four), so that a database's dozen
// short facts take half the lines at 80 columns and leave the chart its height.
func factCols(fs []Fact, width int) int {
	cols := max(1, width/factW)
	widest := 0
	for _, f := range fs {
		widest = max(widest, textWidth(truncate(clean(f.Name), 22))+1+textWidth(clean(f.Value)))
	}
	for n := cols + 1; n <= 4; n++ {
		if width/n-1 < widest {
			break
		}
		cols = n
	}
	return cols
}

// facts lays the facts out column by column in rows lines, the last line saying how many
// did not fit.
func (st *Styles) facts(fs []Fact, width, rows, cols int) string {
	if rows <= 0 {
		return ""
	}
	capacity := rows * cols
	more := 0
	if len(fs) > capacity {
		more = len(fs) - (capacity - 1)
		fs = fs[:capacity-1]
	}
	colW := width / cols
	out := make([]string, rows)
	for r := range out {
		ln := newLine(st, width, false)
		for c := 0; c < cols; c++ {
			i := c*rows + r
			switch {
			case i < len(fs):
				name, sep := truncate(clean(fs[i].Name), 22), 0
				if c > 0 {
					sep = 1 // a space between columns; the first starts at the edge, as the charts' titles do
					ln.space(1)
				}
				ln.raw(pMuted, name, textWidth(name))
				ln.space(1)
				ln.cell(pText, clean(fs[i].Value), colW-1-sep-textWidth(name))
			case i == len(fs) && more > 0:
				ln.cell(pMuted, fmt.Sprintf(" +%d more", more), colW)
			default:
				ln.space(colW)
			}
		}
		out[r] = ln.finish(width)
	}
	return joinRows(out)
}

func joinRows(rows []string) string { return frame(rows, 0, 0) }

// splitRows flattens multi-line blocks into lines.
func splitRows(blocks []string) []string {
	var out []string
	for _, b := range blocks {
		if b == "" {
			continue
		}
		start := 0
		for i := 0; i < len(b); i++ {
			if b[i] == '\n' {
				out = append(out, b[start:i])
				start = i + 1
			}
		}
		out = append(out, b[start:])
	}
	return out
}
