package widgets

import (
	"math"

	"github.com/warroom-dev/warroom/board"
)

// SparkRow is one chart row's data. Buckets are oldest first, one per column, each a fixed
// slice of wall time (see SparkLayout.Spark for how many fit).
type SparkRow struct {
	Label   string
	Buckets []board.Bucket // N == 0 is a gap
	Unit    string         // of the values: "ms", "s", "%", …
	Value   *float64       // the latest value; nil shows "–"
	// Warn and Crit colour each column by its worst point (Max, or Min when Below). With
	// neither set, columns are drawn in the accent colour.
	Warn, Crit *float64
	Below      bool  // lower is worse
	CutoverCol int   // index into Buckets of the column holding the cutover; -1 for none
	Ahead      int   // the newest columns not over yet (the one holding now): blank while empty
	Level      Level // the source's verdict: colours the glyph and the value
	Stale      bool  // the source stopped answering: the whole row muted, ◌ for the glyph
	Planned    bool  // in a planned state (maintenance, quiet): chart and value muted
	Note       string
	NoteLevel  Level // OK for better, Warn/Crit for worse, Unknown for neutral (muted)
	// Detail is drawn where the chart would be when there are no buckets (a DNS answer, a
	// read-only state, an error).
	Detail string
	// Quiet is how many empty columns in a row between two samples are the time between
	// two polls, drawn blank, not as a gap (QuietColumns of the interval and the column's
	// width); 0 draws every empty column as a gap.
	Quiet int
}

// SparkLayout is where the parts of a chart row sit at one width; every row of that width
// has the same layout, so the label and chart columns line up from row to row and only the
// value columns at the end change between polls. Widths are in cells; a zero width is a part
// left out. The parts are separated by one space: label, chart, glyph, value, range, note.
type SparkLayout struct {
	Width int
	Label int
	Spark int // the number of buckets to ask the board for
	Value int
	Range int
	Note  int
}

// SparkAt is the first cell of the chart.
func (l SparkLayout) SparkAt() int { return l.Label + 1 }

// NewSparkLayout returns the chart row layout for width cells.
func NewSparkLayout(width int) SparkLayout {
	if width <= 0 {
		return SparkLayout{}
	}
	l := SparkLayout{Width: width, Label: clampInt(width/5, 3, 18), Value: 10}
	if width >= 60 {
		l.Label = max(l.Label, 16) // "market.example A", "cloud-writer lag": a name and its last word
	}
	if width < 40 {
		l.Value = clampInt((width-l.Label-4)/2, 0, 10)
	}
	// label, space, [spark, space], glyph, space, value
	l.Spark = width - l.Label - 1 - 1 - 1 - 1 - l.Value
	if l.Spark < 1 {
		l.Spark = 0
		l.Value = max(0, width-l.Label-3) // label, space, glyph, space, value
		return l
	}
	const minSpark = 20
	if rng := 13; l.Spark-rng-1 >= minSpark {
		l.Range, l.Spark = rng, l.Spark-rng-1
	}
	// The note (a lag's source, a backend's share, a DNS answer, a planned state) takes up
	// to half of what is left, the chart keeping at least minSpark cells.
	const minNote, maxNote = 14, 32
	if note := min((l.Spark+1)/2, maxNote, l.Spark-1-minSpark); note >= minNote {
		l.Note, l.Spark = note, l.Spark-note-1
	}
	return l
}

// SparkRow renders one chart row in exactly width cells: label, the chart (one cell per
// bucket, ▁…█ of the bucket's worst point scaled to the window's range of them, · for a gap,
// │ in a cell of its own before the cutover's column), then the level glyph, the latest value, the window's min and max, and the
// note. With more buckets than columns the newest are shown; with fewer, the chart is
// right-aligned so the newest column is always the last.
func (st *Styles) SparkRow(r SparkRow, width int) string {
	lay := NewSparkLayout(width)
	if lay.Width == 0 {
		return ""
	}
	ln := newLine(st, width, false)
	labelP := pText
	if r.Stale {
		labelP = pStale
	}
	ln.cell(labelP, clean(r.Label), lay.Label)
	ln.space(1)
	if lay.Spark > 0 {
		if len(r.Buckets) == 0 && r.Detail != "" {
			p := pText
			switch {
			case r.Stale:
				p = pStale
			case r.Level == LevelWarn || r.Level == LevelCrit:
				p = levelPaint(r.Level)
			}
			ln.cell(p, clean(r.Detail), lay.Spark)
		} else {
			st.spark(ln, r, lay.Spark)
		}
		ln.space(1)
	}
	st.sparkTail(ln, r, lay)
	return ln.finish(width)
}

// sparkTail writes the parts that change between polls: glyph, value, range and note.
func (st *Styles) sparkTail(ln *line, r SparkRow, lay SparkLayout) {
	glyph, gp, vp := Glyph(r.Level), levelPaint(r.Level), levelPaint(r.Level)
	if r.Level == LevelOK {
		vp = pText
	}
	if r.Stale {
		glyph, gp, vp = StaleGlyph, pStale, pStale
	} else if r.Planned {
		vp = pMuted
	}
	ln.cell(gp, glyph, 1)
	if lay.Value == 0 {
		return
	}
	ln.space(1)
	unit := clean(r.Unit)
	val := "–"
	if r.Value != nil {
		val = formatValue(*r.Value, unit, " ")
	}
	ln.cell(vp, val, lay.Value)
	if lay.Range > 0 {
		ln.space(1)
		rp := pMuted
		if r.Stale {
			rp = pStale
		}
		ln.cell(rp, windowRange(r.Buckets, unit), lay.Range)
	}
	if lay.Note > 0 {
		ln.space(1)
		np := pMuted
		if !r.Stale && r.NoteLevel != LevelUnknown {
			np = levelPaint(r.NoteLevel)
			if np == pCritBold {
				np = pCrit
			}
		}
		if r.Stale {
			np = pStale
		}
		ln.cell(np, cutNote(clean(r.Note), lay.Note), lay.Note)
	}
}

// windowRange renders the window's minimum and maximum: ▾380ms ▴2.1s.
func windowRange(bs []board.Bucket, unit string) string {
	lo, hi, ok := math.Inf(1), math.Inf(-1), false
	for _, b := range bs {
		if b.N == 0 || math.IsNaN(b.Min) || math.IsNaN(b.Max) {
			continue
		}
		lo, hi, ok = min(lo, b.Min), max(hi, b.Max), true
	}
	if !ok {
		return ""
	}
	return "▾" + formatCompact(lo, unit) + " ▴" + formatCompact(hi, unit)
}
