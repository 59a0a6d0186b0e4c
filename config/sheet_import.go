package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// ReadSheet reads the checkpoints of a spreadsheet as `runsheet: {from: …}` would, with the
// same checks of ids and dependencies; problems come back as Errors at FILE:ROW:COL.
func ReadSheet(path, sheet string) ([]Checkpoint, error) {
	d := newDecoder("", nil)
	c := &Config{Dir: dirOf("")}
	c.Runsheet.From = SheetRef{File: path, Sheet: sheet, Pos: Pos{Line: 1, Col: 1}}
	d.vals["runsheet.from.file"] = Pos{File: path, Line: 1, Col: 1}
	d.loadSheet(c)
	v := &validator{decoder: d, c: c, names: map[string]Pos{}}
	v.runsheet()
	if len(d.errs) > 0 {
		return nil, d.errs.Sort()
	}
	return c.Runsheet.Checkpoints, nil
}

// CheckpointsYAML writes checkpoints as the runsheet section of a config, for teams that
// move from a sheet to YAML: only the keys that are set, in the reference's order; a
// checkpoint that waits for nothing says after: [].
func CheckpointsYAML(cps []Checkpoint, from string) ([]byte, error) {
	out := make([]yaml.MapSlice, len(cps))
	for i, cp := range cps {
		m := yaml.MapSlice{{Key: "id", Value: cp.ID}, {Key: "title", Value: cp.Title}}
		add := func(key string, v any, set bool) {
			if set {
				m = append(m, yaml.MapItem{Key: key, Value: v})
			}
		}
		add("owner", cp.Owner, cp.Owner != "")
		add("planned", shortDuration(cp.Planned.D()), cp.Planned > 0)
		add("after", flowList(cp.After), cp.After != nil)
		add("gate", cp.Gate, cp.Gate != "")
		add("hold", shortDuration(cp.Hold.D()), cp.Hold > 0)
		add("expect", cp.Expect, len(cp.Expect) > 0)
		add("cutover", true, cp.Cutover)
		add("point_of_no_return", true, cp.PointOfNoReturn)
		add("command", cp.Command, cp.Command != "")
		add("rollback", cp.Rollback, cp.Rollback != "")
		out[i] = m
	}
	doc := yaml.MapSlice{{Key: "runsheet", Value: yaml.MapSlice{{Key: "checkpoints", Value: out}}}}
	body, err := yaml.MarshalWithOptions(doc, yaml.UseLiteralStyleIfMultiline(true), yaml.IndentSequence(true))
	if err != nil {
		return nil, err
	}
	head := fmt.Sprintf("# The runsheet of %s, as YAML (warroom runsheet import).\n", from)
	return append([]byte(head), body...), nil
}

// flowList is a list written on one line: after: [a, b].
type flowList []string

// MarshalYAML writes the list in flow style.
func (l flowList) MarshalYAML() ([]byte, error) {
	return yaml.MarshalWithOptions([]string(l), yaml.Flow(true))
}

// shortDuration writes a duration as the config does: 5m, 1h30m, 90s; "" for none.
func shortDuration(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
