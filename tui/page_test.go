package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/warroom-dev/warroom/widgets"
)

// plotRows is the first tall chart's plot of a charts pane (its lines from the y-axis' top
// label to the time axis), as runes.
func plotRows(pane []string) [][]rune {
	var rows [][]rune
	for _, l := range pane[2:] {
		l = ansi.Strip(l)
		if strings.Contains(l, "└") {
			break
		}
		rows = append(rows, []rune(l))
	}
	return rows
}

// changedColumns counts the cell columns in which two plots differ.
func changedColumns(a, b [][]rune) int {
	n := 0
	for x := 0; len(a) > 0 && x < len(a[0]); x++ {
		for y := range a {
			if y < len(b) && x < len(b[y]) && x < len(a[y]) && a[y][x] != b[y][x] {
				n++
				break
			}
		}
	}
	return n
}

// A tall chart moves a page at a time: over a minute of one-second frames with a new point
// each, only the newest column changes from one frame to the next, except when the page moves
// (at 200 columns every 48 s). Before, every column shift (each
// 3 s at the 5m window) changed every column: what a viewer's terminal is sent again.
func TestTallChartMovesAPageAtATime(t *testing.T) {
	e := newEnvPinned(t, plan(), 3, 1)
	t0 := time.Now().Truncate(time.Minute)
	value := func(k int) float64 { return 400 + float64(k%7)*30 } // min and max always in view
	for k := 600; k >= 0; k-- {
		e.feedOne("src-00", value(k), t0.Add(-time.Duration(k)*time.Second))
	}
	m := newModel(t, e, Operator, 200, 60)
	m.deps.Window = 5 * time.Minute
	m.win = windowIndex(m.deps.Window)
	m.Update(tickMsg(t0))
	prev := plotRows(m.chartsPane(112, 57))
	if len(prev) < 5 {
		t.Fatalf("no tall chart in the pane:\n%s", strings.Join(m.chartsPane(112, 57), "\n"))
	}
	moves := 0
	for s := 1; s <= 60; s++ {
		now := t0.Add(time.Duration(s) * time.Second)
		e.feedOne("src-00", value(s), now.Add(-200*time.Millisecond))
		m.Update(tickMsg(now))
		cur := plotRows(m.chartsPane(112, 57))
		if n := changedColumns(prev, cur); n > 1 {
			moves++
		}
		prev = cur
	}
	n := widgets.TallPlotWidth(111)
	step, _, ahead := m.pageColumns(n)
	page := time.Duration(n/8) * step
	if want := int(time.Minute/page) + 1; moves > want || want > 2 {
		t.Errorf("%d frames of 60 changed more than the newest column; want at most %d (pages of %s)", moves, want, page)
	}
	if step*time.Duration(n-ahead) < 5*time.Minute {
		t.Errorf("the chart shows less than its window: %d columns of %s before now", n-ahead, step)
	}
}
