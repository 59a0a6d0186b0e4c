package widgets

import (
	"fmt"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// TestGolden renders every widget at 80, 120 and 200 columns in the dark and light themes,
// without colour, and as plain text (the dark output with its escapes stripped, for review).
// Update with: go test ./widgets -run TestGolden -update
func TestGolden(t *testing.T) {
	for _, v := range variants {
		st := NewStyles(v.theme, v.noColor)
		for _, w := range []int{80, 120, 200} {
			for _, r := range renderFixtures(st, w) {
				t.Run(fmt.Sprintf("%s/%s/%d", r.name, v.name, w), func(t *testing.T) {
					golden.RequireEqual(t, r.out)
				})
				if v.name == "dark" {
					t.Run(fmt.Sprintf("%s/plain/%d", r.name, w), func(t *testing.T) {
						golden.RequireEqual(t, ansi.Strip(r.out))
					})
				}
			}
		}
		t.Run("badges/"+v.name, func(t *testing.T) {
			golden.RequireEqual(t, st.Summary(Counts{Crit: 1, Warn: 2, Unknown: 1, OK: 14})+"\n"+
				st.Summary(Counts{})+"\n"+st.Badge(LevelCrit, "STRAY WRITE")+"\n"+
				st.Badge(LevelWarn, "lag 6 s")+"\n"+st.Badge(LevelOK, "")+"\n"+st.Badge(LevelUnknown, "stale"))
		})
	}
}
