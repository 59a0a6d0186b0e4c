package widgets_test

import (
	"testing"

	"github.com/warroom-dev/warroom/sources"
	"github.com/warroom-dev/warroom/widgets"
)

// The TUI converts a source status with widgets.Level(status); this pins that contract.
func TestLevelMatchesSourceStatus(t *testing.T) {
	for st, l := range map[sources.Status]widgets.Level{
		sources.Unknown: widgets.LevelUnknown, sources.OK: widgets.LevelOK,
		sources.Warn: widgets.LevelWarn, sources.Crit: widgets.LevelCrit,
	} {
		if widgets.Level(st) != l {
			t.Errorf("widgets.Level(%v) = %v, want %v", st, widgets.Level(st), l)
		}
	}
}
