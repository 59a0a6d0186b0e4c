package widgets

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestPlannedRowIsMuted: a source in a planned state (a 503 maintenance page, a quiet
// metric) is ok: its chart is drawn muted whatever the thresholds say, with the ok glyph and
// the "planned: … ✓" note.
func TestPlannedRowIsMuted(t *testing.T) {
	th := Dark()
	st := NewStyles(th, false)
	lay := NewSparkLayout(120)
	row := SparkRow{Label: "market (old)", Buckets: series(lay.Spark, spike(100, 3000, 100)), Unit: "ms",
		Value: ptr(2900), Warn: ptr(800), Crit: ptr(1500), CutoverCol: -1, Level: LevelOK,
		Note: "planned: maintenance ✓ · 503 maintenance"}
	if live := st.SparkRow(row, 120); !strings.Contains(live, fgSeq(th.Crit)) {
		t.Fatalf("the row without the plan lacks its threshold colour: %q", live)
	}
	row.Planned = true
	out := st.SparkRow(row, 120)
	for _, c := range []string{fgSeq(th.Warn), fgSeq(th.Crit), fgSeq(th.Accent)} {
		if strings.Contains(out, c) {
			t.Errorf("planned row has colour %s: %q", c, out)
		}
	}
	plain := ansi.Strip(out)
	if !strings.Contains(out, fgSeq(th.Muted)) || !strings.Contains(plain, Glyph(LevelOK)) || !strings.Contains(plain, "planned: main") {
		t.Errorf("planned row lacks the muted colour, the ok glyph or its note: %q", plain)
	}
}
