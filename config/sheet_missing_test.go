package config

import (
	"strings"
	"testing"
)

// A sheet that cannot be read is one error, said as for any format: a missing .xlsx is "not
// found" (not "save it again from the sheet program"), and the YAML's overlay entries, which
// only add gates to the sheet's rows, are not each reported as lacking a title.
func TestSheetUnreadableIsOneError(t *testing.T) {
	for _, file := range []string{"plan.csv", "plan.xlsx"} {
		t.Run(file, func(t *testing.T) {
			_, err, dir := parseIn(t, nil, "runsheet:\n  from: "+file+"\n  checkpoints:\n    - {id: freeze, gate: 'true'}\n")
			got := errorLines(t, err, dir)
			want := file + " not found: the path is relative to the config's folder"
			if len(got) != 1 || !strings.HasPrefix(got[0], "w.yaml:2:9: runsheet.from: ") || !strings.HasSuffix(got[0], want) {
				t.Errorf("errors:\n%s\nwant only:\n%s", strings.Join(got, "\n"), want)
			}
		})
	}
}
