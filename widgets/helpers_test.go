package widgets

import (
	"fmt"
	"image/color"
	"regexp"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/warroom-dev/warroom/runsheet"
)

// variants are the looks every widget is rendered in.
var variants = []struct {
	name    string
	theme   Theme
	noColor bool
}{
	{"dark", Dark(), false},
	{"light", Light(), false},
	{"nocolor", Dark(), true},
}

// rendered is every widget drawn from the fixtures at one width.
type rendered struct {
	name   string
	out    string
	height int // lines expected; 0 when the widget is one line
}

func renderAll(st *Styles, width int, cps []runsheet.Checkpoint, rows []SparkRow, evs []EventLine) []rendered {
	var spark []string
	for _, r := range rows {
		spark = append(spark, st.SparkRow(r, width))
	}
	return []rendered{
		{"spark", strings.Join(spark, "\n"), len(rows)},
		{"checkpoints", st.CheckpointList(cps, 3, width, 12, fixtureNow) + "\n" +
			st.CheckpointList(cps, 8, width, 5, fixtureNow), 17},
		{"rollback", st.RollbackLine(cps, false, width) + "\n" + st.RollbackLine(cps, true, width), 2},
		{"detail", st.CheckpointDetail(cps[3], false, width, 14, fixtureLoc) + "\n" +
			st.CheckpointDetail(cps[4], true, width, 10, fixtureLoc), 24},
		{"events", st.EventLog(evs, width, 6, fixtureLoc), 6},
	}
}

// renderFixtures draws the standard fixtures, asking for as many buckets as the row shows.
func renderFixtures(st *Styles, width int) []rendered {
	return renderAll(st, width, checkpointsFixture(), sparkRows(NewSparkLayout(width).Spark),
		eventsFixture())
}

// requireShape fails unless out has exactly lines lines, each exactly width cells.
func requireShape(t *testing.T, name, out string, width, lines int) {
	t.Helper()
	got := strings.Split(out, "\n")
	if lines > 0 && len(got) != lines {
		t.Errorf("%s at width %d: %d lines, want %d", name, width, len(got), lines)
	}
	for i, l := range got {
		if w := lipgloss.Width(l); w != width {
			t.Errorf("%s at width %d: line %d is %d cells wide: %q", name, width, i, w, ansi.Strip(l))
		}
	}
}

var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// requireSafe fails if out holds anything but text, newlines and SGR colour sequences.
func requireSafe(t *testing.T, name, out string) {
	t.Helper()
	rest := sgr.ReplaceAllString(out, "")
	for i, r := range rest {
		if r == '\n' {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x202e {
			t.Fatalf("%s: control %U at byte %d in %q", name, r, i, rest)
		}
	}
}

// fgSeq is the SGR parameters that set c as the foreground colour.
func fgSeq(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("38;2;%d;%d;%d", r>>8, g>>8, b>>8)
}
