package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/warroom-dev/warroom/spreadsheet"
)

// SheetRef names the spreadsheet a runsheet's checkpoints are read from: `from: plan.csv`,
// or `from: {file: plan.xlsx, sheet: Cutover}`.
type SheetRef struct {
	File  string `yaml:"file"`  // relative to the config's folder
	Sheet string `yaml:"sheet"` // .xlsx: the sheet's name; default the first with a header row
	Pos   Pos    `yaml:"-"`
}

var sheetRefType = reflect.TypeFor[SheetRef]()

// sheetRef decodes `from:` written as a path or as a mapping.
func (d *decoder) sheetRef(n ast.Node, v reflect.Value, path string, depth int) {
	if _, ok := mappingValues(n); ok {
		d.decodeStruct(n, v, path, depth)
		return
	}
	s, ok := d.scalarOf(n, path, "a file name like plan.csv, or {file: plan.xlsx, sheet: Cutover}")
	if !ok {
		return
	}
	ref := v.Addr().Interface().(*SheetRef)
	ref.File, ref.Pos = strings.TrimSpace(s.text), s.pos
	d.vals[path+".file"] = s.pos
}

// SheetName is how errors and messages name the sheet file of a config loaded from file:
// the path as written in `from:`, joined to the config's folder as given.
func SheetName(file, from string) string {
	if from == "" || filepath.IsAbs(from) || file == "" {
		return from
	}
	return filepath.Join(filepath.Dir(file), from)
}

// loadSheet reads the checkpoints from runsheet.from and merges the YAML's checkpoints over
// them by id. Every problem is reported at FILE:ROW:COL of the sheet (the header is row 1,
// column A is 1), or at the YAML's own position.
func (d *decoder) loadSheet(c *Config) {
	ref := c.Runsheet.From
	if ref.File == "" {
		if _, set := d.vals["runsheet.from"]; set && !d.bad["runsheet.from"] {
			d.errorf(d.vals["runsheet.from"], "runsheet.from is empty: name a .csv or .xlsx file, or remove it")
		}
		return
	}
	name := SheetName(d.file, ref.File)
	if d.file == "<config>" {
		name = ref.File
	}
	at := d.vals["runsheet.from.file"]
	tables, err := spreadsheet.Read(resolve(c.Dir, ref.File, d.env))
	// Without the sheet, the YAML's checkpoints are only overlays (ids with gates): the
	// sheet's error is the one to fix, not a missing title on each of them.
	unread := func() { c.Runsheet.Checkpoints = nil }
	if errors.Is(err, fs.ErrNotExist) {
		d.errorf(at, "runsheet.from: %s not found: the path is relative to the config's folder", clean(name))
		unread()
		return
	}
	if err != nil {
		d.errorf(at, "runsheet.from: %s", clean(err.Error()))
		unread()
		return
	}
	t, ok := d.pickTable(tables, ref, name)
	if !ok {
		unread()
		return
	}
	sheet := readSheet(t, name)
	for _, e := range sheet.errs {
		d.errs = append(d.errs, e)
	}
	yamlCps := c.Runsheet.Checkpoints
	stashed := d.stashCheckpointPaths()
	for path, pos := range sheet.vals {
		d.vals[path] = pos
	}
	c.Runsheet.Checkpoints = sheet.cps
	d.overlay(c, yamlCps, stashed, name)
}

// pickTable chooses the named sheet, or the first one with a header row.
func (d *decoder) pickTable(tables []spreadsheet.Table, ref SheetRef, name string) (spreadsheet.Table, bool) {
	var names []string
	for _, t := range tables {
		names = append(names, t.Name)
		if ref.Sheet != "" && t.Name == ref.Sheet {
			return t, true
		}
		if ref.Sheet == "" && findHeader(t) >= 0 {
			return t, true
		}
	}
	if ref.Sheet != "" {
		d.errorf(d.at("runsheet.from.sheet", ref.Pos), "runsheet.from.sheet: %s has no sheet %s (it has %s)",
			name, quote(ref.Sheet), quoteAll(names))
		return spreadsheet.Table{}, false
	}
	if len(tables) == 1 {
		return tables[0], true // readSheet says what its header lacks
	}
	d.errorf(d.at("runsheet.from.file", ref.Pos), "runsheet.from: no sheet of %s has a header row with a title column "+
		"(title, task or step): add one, or name the sheet with from: {file: …, sheet: NAME}", name)
	return spreadsheet.Table{}, false
}

func (d *decoder) at(path string, fallback Pos) Pos {
	if p, ok := d.vals[path]; ok {
		return p
	}
	return fallback
}

// quoteAll quotes each name, comma-separated.
func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

// stashedPath is what the decoder knew of one path under runsheet.checkpoints.
type stashedPath struct {
	val, key         Pos
	hasVal, hasKey   bool
	secret, bad, sug bool
}

// stashCheckpointPaths takes every path under runsheet.checkpoints out of the decoder's
// maps (the YAML's, indexed by their place in the YAML), for overlay to put back under the
// index of the sheet row each one merges over.
func (d *decoder) stashCheckpointPaths() map[string]stashedPath {
	const prefix = "runsheet.checkpoints["
	out := map[string]stashedPath{}
	take := func(path string) stashedPath {
		s := out[path]
		s.secret, s.bad, s.sug = d.secret[path], d.bad[path], d.suggested[path]
		delete(d.secret, path)
		delete(d.bad, path)
		delete(d.suggested, path)
		return s
	}
	for path, p := range d.vals {
		if strings.HasPrefix(path, prefix) {
			s := take(path)
			s.val, s.hasVal = p, true
			out[path] = s
			delete(d.vals, path)
		}
	}
	for path, p := range d.keys {
		if strings.HasPrefix(path, prefix) {
			s := take(path)
			s.key, s.hasKey = p, true
			out[path] = s
			delete(d.keys, path)
		}
	}
	return out
}

// overlay merges each YAML checkpoint over the sheet's row with its id: every key the YAML
// writes replaces the sheet's value. A YAML id the sheet lacks is an error.
func (d *decoder) overlay(c *Config, yamlCps []Checkpoint, stashed map[string]stashedPath, name string) {
	cps := c.Runsheet.Checkpoints
	index := map[string]int{}
	var ids []string
	for i, cp := range cps {
		index[cp.ID] = i
		ids = append(ids, cp.ID)
	}
	si := infoOf(reflect.TypeFor[Checkpoint]())
	for j, y := range yamlCps {
		from := fmt.Sprintf("runsheet.checkpoints[%d]", j)
		i, ok := index[y.ID]
		if !ok {
			p := y.Pos
			if s, ok := stashed[from+".id"]; ok && s.hasVal {
				p = s.val
			}
			if y.ID == "" {
				d.errorf(p, "%s: with runsheet.from, each checkpoint here adds to a row of %s: give its id", from, name)
				continue
			}
			d.errorf(p, "%s: checkpoint %s is not in %s%s", from, quote(y.ID), name, suggestion(y.ID, ids))
			continue
		}
		to := fmt.Sprintf("runsheet.checkpoints[%d]", i)
		dst, src := reflect.ValueOf(&cps[i]).Elem(), reflect.ValueOf(y)
		for _, key := range si.names {
			if !writes(stashed, from+"."+key) {
				continue
			}
			dst.Field(si.fields[key]).Set(src.Field(si.fields[key]))
			if tp, ok := si.textPos[key]; ok {
				dst.Field(tp).Set(src.Field(tp))
			}
		}
		for path, s := range stashed {
			if rest, ok := strings.CutPrefix(path, from+"."); ok && key(rest) != "id" {
				d.restore(to+"."+rest, s)
			}
		}
	}
}

// key is the first key of a path's rest ("expect.old-primary" → "expect").
func key(rest string) string {
	k, _, _ := strings.Cut(rest, ".")
	k, _, _ = strings.Cut(k, "[")
	return k
}

// writes reports whether the YAML wrote the key at path (or anything under it).
func writes(stashed map[string]stashedPath, path string) bool {
	for p := range stashed {
		if p == path || strings.HasPrefix(p, path+".") || strings.HasPrefix(p, path+"[") {
			return true
		}
	}
	return false
}

// restore puts a stashed path back under its new name.
func (d *decoder) restore(path string, s stashedPath) {
	if s.hasVal {
		d.vals[path] = s.val
	}
	if s.hasKey {
		d.keys[path] = s.key
	}
	if s.secret {
		d.secret[path] = true
	}
	if s.bad {
		d.bad[path] = true
	}
	if s.sug {
		d.suggested[path] = true
	}
}

// suggestion is ` (did you mean "x"?)` for the closest of known, the list when it is
// short, or "".
func suggestion(name string, known []string) string {
	switch s := suggest(name, known); {
	case s != "":
		return fmt.Sprintf(" (did you mean %s?)", quote(s))
	case len(known) > 0 && len(known) <= 8:
		return " (its ids: " + strings.Join(known, ", ") + ")"
	}
	return ""
}
