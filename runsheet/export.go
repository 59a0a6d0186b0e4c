package runsheet

import (
	"strings"
	"time"

	"github.com/warroom-dev/warroom/spreadsheet"
)

// exportHeader is the first row of an exported runsheet. The plan's columns (id, title,
// owner, planned, after, gate, cutover, point of no return, command, rollback) read back as
// the same plan through runsheet.from; the others are what happened.
var exportHeader = []string{
	"id", "title", "owner", "state", "planned", "actual", "started (UTC)", "ended (UTC)", "by",
	"override", "override reason", "note", "after", "gate", "cutover", "point of no return",
	"command", "rollback",
}

// ExportTable is the runsheet as a sheet, one row per checkpoint: the plan, then the actual
// timing, who, the state, overrides with their reasons and notes. Durations and times are
// spreadsheet values (times in UTC); an overrun's actual duration is highlighted.
func ExportTable(v View) spreadsheet.Table {
	t := spreadsheet.Table{Name: "Runsheet"}
	head := make([]spreadsheet.Cell, len(exportHeader))
	for i, h := range exportHeader {
		head[i] = spreadsheet.TextCell(h)
	}
	t.Rows = append(t.Rows, head)
	for i, cp := range v.Checkpoints {
		actual := spreadsheet.Cell{}
		if !cp.StartedAt.IsZero() {
			actual = spreadsheet.DurationCell(cp.Actual.Round(time.Second))
			actual.Highlight = cp.Overrun
		}
		planned := spreadsheet.Cell{}
		if cp.Planned > 0 {
			planned = spreadsheet.DurationCell(cp.Planned)
		}
		t.Rows = append(t.Rows, []spreadsheet.Cell{
			spreadsheet.TextCell(cp.ID), spreadsheet.TextCell(cp.Title), spreadsheet.TextCell(cp.Owner),
			spreadsheet.TextCell(string(cp.State)), planned, actual,
			spreadsheet.TimeCell(utc(cp.StartedAt)), spreadsheet.TimeCell(utc(cp.EndedAt)),
			spreadsheet.TextCell(cp.By), spreadsheet.TextCell(yes(cp.Override)),
			spreadsheet.TextCell(cp.OverrideReason), spreadsheet.TextCell(cp.Note),
			spreadsheet.TextCell(afterText(i, cp.After)), spreadsheet.TextCell(cp.Gate.Expr),
			spreadsheet.TextCell(yes(cp.Cutover)), spreadsheet.TextCell(yes(cp.PointOfNoReturn)),
			spreadsheet.TextCell(cp.Command), spreadsheet.TextCell(cp.Rollback),
		})
	}
	return t
}

// afterText writes a checkpoint's dependencies so that they read back the same: empty for
// "the one before" (and none for the first), "none" for none.
func afterText(i int, after []string) string {
	if len(after) == 0 && i > 0 {
		return "none"
	}
	return strings.Join(after, ", ")
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}
