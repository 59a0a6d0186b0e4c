package config

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/warroom-dev/warroom/spreadsheet"
)

// The checkpoint fields a sheet's columns can fill.
const (
	colID = iota
	colTitle
	colOwner
	colPlanned
	colCommand
	colRollback
	colAfter
	colGate
	colHold
	colCutover
	colNoReturn
	colNumber // a step number that "depends on" may refer to
	nCols
)

// columnNames are the header texts each field is recognised by, best first, folded by
// headerKey (case, spaces and punctuation do not count; '#' does).
var columnNames = [nCols][]string{
	colID:       {"id", "checkpointid", "stepid", "key", "ref", "slug"},
	colTitle:    {"title", "task", "step", "checkpoint", "description", "activity", "action", "summary", "change", "what", "name"},
	colOwner:    {"owner", "who", "assignee", "responsible", "team", "lead", "by"},
	colPlanned:  {"planned", "duration", "plannedduration", "plannedtime", "time", "plan", "estimate", "est", "mins", "minutes", "length"},
	colCommand:  {"command", "commands", "cmd", "script", "how", "runbook"},
	colRollback: {"rollback", "rollbackplan", "rollbacksteps", "undo", "backout", "revert"},
	colAfter:    {"dependson", "after", "depends", "dependencies", "predecessors", "prerequisites", "prereqs", "requires", "blockedby"},
	colGate:     {"gate", "gatecondition", "condition"},
	colHold:     {"hold"},
	colCutover:  {"cutover", "iscutover"},
	colNoReturn: {"pointofnoreturn", "noreturn", "pnr", "ponr"},
	colNumber:   {"#", "no", "nr", "number", "step#", "stepno", "stepnr", "stepnumber", "seq"},
}

// headerKey folds a header cell for matching: lower case, letters, digits and '#' only.
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '#' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// columns maps each field to its column (0-based), -1 when the sheet has none. When two
// headers name one field, the better name wins; "Step" beside a better title column is the
// step number.
func columns(header []spreadsheet.Cell) [nCols]int {
	var cols, rank [nCols]int
	for f := range cols {
		cols[f], rank[f] = -1, 1<<30
	}
	for i, c := range header {
		k := headerKey(c.Text)
		for f, names := range columnNames {
			for r, n := range names {
				if k == n && r < rank[f] {
					cols[f], rank[f] = i, r
				}
			}
		}
	}
	if cols[colTitle] >= 0 && headerKey(header[cols[colTitle]].Text) != "step" && cols[colNumber] < 0 {
		for i, c := range header {
			if headerKey(c.Text) == "step" {
				cols[colNumber] = i
			}
		}
	}
	return cols
}

// findHeader is the index of the header row: the first of the top 20 rows with a title
// column and another known column (or, failing that, a title column alone); -1 if none.
func findHeader(t spreadsheet.Table) int {
	alone := -1
	for i, row := range t.Rows[:min(len(t.Rows), 20)] {
		cols := columns(row)
		if cols[colTitle] < 0 {
			continue
		}
		known := 0
		for _, c := range cols {
			if c >= 0 {
				known++
			}
		}
		if known >= 2 {
			return i
		}
		if alone < 0 {
			alone = i
		}
	}
	return alone
}

// sheetCheckpoints is what readSheet found: the checkpoints, the position of every value
// (as the decoder keeps them, by path) and the problems.
type sheetCheckpoints struct {
	cps  []Checkpoint
	vals map[string]Pos
	errs Errors
	file string
}

func (s *sheetCheckpoints) errorf(p Pos, format string, args ...any) {
	s.errs = append(s.errs, Error{File: s.file, Pos: p, Msg: fmt.Sprintf(format, args...)})
}

// readSheet turns a table into checkpoints, below its header row. Blank rows and section
// headings (a row with one filled cell, in a sheet with more than one known column) are
// skipped.
func readSheet(t spreadsheet.Table, file string) sheetCheckpoints {
	s := sheetCheckpoints{vals: map[string]Pos{}, file: file}
	h := findHeader(t)
	if h < 0 {
		s.errorf(Pos{File: file, Line: 1, Col: 1}, "no header row with a title column: name a column title, task or step "+
			"(and, as you have them, id, owner, planned, depends on, command, rollback, gate)")
		return s
	}
	cols := columns(t.Rows[h])
	known := 0
	for _, c := range cols {
		if c >= 0 {
			known++
		}
	}
	numbers := map[string]string{} // step number → id
	var rows []int
	for r := h + 1; r < len(t.Rows); r++ {
		row := t.Rows[r]
		if filled(row) == 0 || (filled(row) == 1 && known > 1) {
			continue
		}
		rows = append(rows, r)
	}
	used := map[string]bool{}
	for _, r := range rows {
		if id := cellText(t.Rows[r], cols[colID]); id != "" {
			used[id] = true
		}
	}
	for n, r := range rows {
		cp := s.row(t.Rows[r], r+1, cols, len(s.cps), used)
		if num := cellText(t.Rows[r], cols[colNumber]); num != "" {
			numbers[num] = cp.ID
		}
		numbers["#"+strconv.Itoa(n+1)] = cp.ID
		s.cps = append(s.cps, cp)
	}
	for _, cp := range s.cps {
		numbers[cp.ID] = cp.ID // an id is itself, even when it looks like a number
	}
	for i, r := range rows {
		s.after(&s.cps[i], t.Rows[r], r+1, cols[colAfter], numbers, i)
	}
	return s
}

// filled counts the non-empty cells of a row.
func filled(row []spreadsheet.Cell) int {
	n := 0
	for _, c := range row {
		if strings.TrimSpace(c.Text) != "" {
			n++
		}
	}
	return n
}

// cell is column col of row (an empty cell past its end or for col -1).
func cell(row []spreadsheet.Cell, col int) spreadsheet.Cell {
	if col < 0 || col >= len(row) {
		return spreadsheet.Cell{}
	}
	return row[col]
}

// cellText is a cell's text, trimmed.
func cellText(row []spreadsheet.Cell, col int) string {
	return strings.TrimSpace(cell(row, col).Text)
}

// row reads one checkpoint from sheet row n (1-based); i is its index among checkpoints.
func (s *sheetCheckpoints) row(row []spreadsheet.Cell, n int, cols [nCols]int, i int, used map[string]bool) Checkpoint {
	item := fmt.Sprintf("runsheet.checkpoints[%d]", i)
	pos := func(col int) Pos { return Pos{File: s.file, Line: n, Col: col + 1} }
	cp := Checkpoint{Pos: pos(0)}
	text := func(field int, key string, dst *string) {
		if v := cellText(row, cols[field]); v != "" {
			*dst = v
			s.vals[item+"."+key] = pos(cols[field])
		}
	}
	text(colTitle, "title", &cp.Title)
	text(colOwner, "owner", &cp.Owner)
	text(colCommand, "command", &cp.Command)
	text(colRollback, "rollback", &cp.Rollback)
	text(colGate, "gate", &cp.Gate)
	if cp.Gate != "" {
		cp.GatePos = pos(cols[colGate])
	}
	text(colID, "id", &cp.ID)
	if cp.ID == "" {
		cp.ID = uniqueSlug(cp.Title, i, used)
		s.vals[item+".id"] = pos(max(cols[colTitle], 0))
	}
	s.duration(row, cols[colPlanned], n, item+".planned", &cp.Planned)
	s.duration(row, cols[colHold], n, item+".hold", &cp.Hold)
	s.flag(row, cols[colCutover], n, item+".cutover", &cp.Cutover)
	s.flag(row, cols[colNoReturn], n, item+".point_of_no_return", &cp.PointOfNoReturn)
	return cp
}

// uniqueSlug makes an id from a title ("Old primary read-only" → "old-primary-read-only"),
// unique among used.
func uniqueSlug(title string, i int, used map[string]bool) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		ok := r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))
		switch {
		case ok:
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 32 {
			break
		}
	}
	slug := strings.Trim(b.String(), "-")
	if slug == "" {
		slug = "step-" + strconv.Itoa(i+1)
	}
	id := slug
	for k := 2; used[id]; k++ {
		id = slug + "-" + strconv.Itoa(k)
	}
	used[id] = true
	return id
}

// duration reads a planned or hold cell.
func (s *sheetCheckpoints) duration(row []spreadsheet.Cell, col, n int, path string, dst *Duration) {
	c := cell(row, col)
	if strings.TrimSpace(c.Text) == "" {
		return
	}
	p := Pos{File: s.file, Line: n, Col: col + 1}
	s.vals[path] = p
	d, err := sheetDuration(c)
	if err != "" {
		s.errorf(p, "%s", err)
		return
	}
	*dst = Duration(d)
}

// flag reads a yes/no cell (cutover, point of no return).
func (s *sheetCheckpoints) flag(row []spreadsheet.Cell, col, n int, path string, dst *bool) {
	c := cell(row, col)
	v := strings.ToLower(strings.TrimSpace(c.Text))
	if v == "" {
		return
	}
	p := Pos{File: s.file, Line: n, Col: col + 1}
	s.vals[path] = p
	switch v {
	case "yes", "y", "x", "true", "1", "✓", "✔", "☑", "•", "*":
		*dst = true
	case "no", "n", "false", "0", "-", "–":
	default:
		s.errorf(p, "%s %s: write yes or leave it empty", strings.ReplaceAll(key(strings.SplitN(path, ".", 3)[2]), "_", " "), quote(c.Text))
	}
}

// after reads a "depends on" cell: ids or step numbers, separated by commas, semicolons or
// spaces. An empty cell waits for the row above; "none" or "-" waits for nothing.
func (s *sheetCheckpoints) after(cp *Checkpoint, row []spreadsheet.Cell, n, col int, numbers map[string]string, i int) {
	v := cellText(row, col)
	if v == "" {
		return
	}
	item := fmt.Sprintf("runsheet.checkpoints[%d].after", i)
	p := Pos{File: s.file, Line: n, Col: col + 1}
	s.vals[item] = p
	switch strings.ToLower(v) {
	case "none", "-", "–", "start", "nothing":
		cp.After = []string{}
		return
	}
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
	cp.After = []string{}
	for j, f := range fields {
		if id, ok := numbers[f]; ok {
			f = id
		} else if id, ok := numbers[strings.TrimPrefix(f, "#")]; ok {
			f = id
		} else if _, err := strconv.Atoi(strings.TrimPrefix(f, "#")); err == nil {
			if id, ok := numbers["#"+strings.TrimPrefix(f, "#")]; ok {
				f = id // the n-th checkpoint of the sheet
			}
		}
		cp.After = append(cp.After, f)
		s.vals[fmt.Sprintf("%s[%d]", item, j)] = p
	}
}
