package widgets

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/warroom-dev/warroom/board"
)

// A count that has been 0 the whole window (checkout errors before the cutover) is drawn on
// a 0–1 scale: its axis used to read "0.5" over "-0.5", a negative number of errors.
func TestAllZeroChartHasNoNegativeAxis(t *testing.T) {
	st := NewStyles(Dark(), false)
	bs := make([]board.Bucket, 40)
	for i := range bs {
		bs[i] = board.Bucket{N: 3}
	}
	c := Chart{Title: "checkout errors", Start: fixtureNow.Add(-40 * time.Second), Step: time.Second,
		Series: []ChartSeries{{Name: "checkout errors", Buckets: bs, Value: ptr(0)}}}
	if lo, hi, _ := c.Scale(); lo != 0 || hi != 1 {
		t.Fatalf("scale of an all-zero series is %v..%v, want 0..1", lo, hi)
	}
	out := ansi.Strip(st.TallChart(c, TallAxisWidth+40, 8, fixtureLoc))
	if strings.Contains(out, "-0.5") || strings.Contains(out, " 0.5 ┤") {
		t.Fatalf("an all-zero chart must not have a ±0.5 axis:\n%s", out)
	}
	lines := strings.Split(out, "\n")
	if bottom := lines[len(lines)-2]; !strings.Contains(bottom, "0 ┤▁▁▁") {
		t.Fatalf("the zeros must lie on the floor labelled 0:\n%s", out)
	}
}
