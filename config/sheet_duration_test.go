package config

import (
	"strings"
	"testing"
	"time"

	"github.com/warroom-dev/warroom/spreadsheet"
)

// TestSheetDurationTooLong: a duration no cutover step takes (a typo, often an extra digit)
// is an error at its cell, whichever way it is written, never a wrapped-around number that
// drops the planned time without a word.
func TestSheetDurationTooLong(t *testing.T) {
	for _, c := range []spreadsheet.Cell{
		spreadsheet.TextCell("9999999:00"),
		spreadsheet.TextCell("3000000 h"),
		spreadsheet.TextCell("200:00:00"),
		spreadsheet.TextCell("10081"),
		{Text: "big", Number: 1e12, Kind: spreadsheet.Duration},
	} {
		d, msg := sheetDuration(c)
		if msg == "" || !strings.Contains(msg, "more than a week") {
			t.Errorf("%q: got %v and message %q, want an error saying it is more than a week", c.Text, d, msg)
		}
	}
	for text, want := range map[string]time.Duration{"168:00": 7 * 24 * time.Hour, "0:05": 5 * time.Minute, "10080": 7 * 24 * time.Hour} {
		if d, msg := sheetDuration(spreadsheet.TextCell(text)); msg != "" || d != want {
			t.Errorf("%q: got %v, %q; want %v", text, d, msg, want)
		}
	}
}
