package widgets

import (
	"strconv"
	"strings"
)

// Badge renders a level's glyph and a short text in the level's colour, e.g. "● STRAY
// WRITE" in bold crit. The text is sanitized; the result is one line, as wide as it needs.
func (st *Styles) Badge(l Level, text string) string {
	p := st.paints[levelPaint(l)]
	text = clean(text)
	if text == "" {
		return p.pre + Glyph(l) + p.post
	}
	return p.pre + Glyph(l) + " " + text + p.post
}

// Counts is how many sources (or series) are at each level.
type Counts struct {
	Crit, Warn, Unknown, OK int
}

// Add counts one more at level l.
func (c *Counts) Add(l Level) {
	switch l {
	case LevelCrit:
		c.Crit++
	case LevelWarn:
		c.Warn++
	case LevelOK:
		c.OK++
	default:
		c.Unknown++
	}
}

// Worst is the level that needs the most attention: crit > warn > unknown > ok (unknown
// when there is nothing at all).
func (c Counts) Worst() Level {
	switch {
	case c.Crit > 0:
		return LevelCrit
	case c.Warn > 0:
		return LevelWarn
	case c.Unknown > 0 || c.OK == 0:
		return LevelUnknown
	}
	return LevelOK
}

// Summary renders the counts most urgent first, leaving out zeros: "● 1 crit  ▲ 2 warn
// ? 1 unknown  ✓ 14 ok"; "no sources" when all are zero. One line, as wide as it needs.
func (st *Styles) Summary(c Counts) string {
	parts := make([]string, 0, 4)
	add := func(n int, l Level, word string) {
		if n > 0 {
			p := st.paints[levelPaint(l)]
			parts = append(parts, p.pre+Glyph(l)+" "+strconv.Itoa(n)+" "+word+p.post)
		}
	}
	add(c.Crit, LevelCrit, "crit")
	add(c.Warn, LevelWarn, "warn")
	add(c.Unknown, LevelUnknown, "unknown")
	add(c.OK, LevelOK, "ok")
	if len(parts) == 0 {
		p := st.paints[pMuted]
		return p.pre + "no sources" + p.post
	}
	return strings.Join(parts, "  ")
}
