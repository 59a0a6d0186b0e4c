package spreadsheet

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// workbook is an opened .xlsx file: its parts, shared strings and cell styles.
type workbook struct {
	zr      *zip.Reader
	strings []string
	styles  []Kind // cellXfs index → what its number format makes of a number
}

// readXLSXFile reads every sheet of an .xlsx workbook. Formulas read as their cached values
// (what the sheet program last computed and saved).
func readXLSXFile(name string) ([]Table, error) {
	zf, err := zip.OpenReader(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, err // the caller says "not found", as for a CSV file
	}
	if err != nil {
		return nil, fmt.Errorf("%s is not an .xlsx workbook (%v): save it again from the sheet program", path.Base(name), err)
	}
	defer zf.Close()
	return readWorkbook(&zf.Reader)
}

func readWorkbook(zr *zip.Reader) ([]Table, error) {
	wb := &workbook{zr: zr}
	var err error
	if wb.strings, err = wb.sharedStrings(); err != nil {
		return nil, err
	}
	if wb.styles, err = wb.cellStyles(); err != nil {
		return nil, err
	}
	sheets, err := wb.sheetParts()
	if err != nil {
		return nil, err
	}
	var out []Table
	for _, s := range sheets {
		t, err := wb.sheet(s.part)
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", s.name, err)
		}
		t.Name = s.name
		out = append(out, t)
	}
	return out, nil
}

// open returns the part at name (without a leading "/"), or nil when the workbook lacks it.
func (wb *workbook) open(name string) (io.ReadCloser, error) {
	name = strings.TrimPrefix(name, "/")
	for _, f := range wb.zr.File {
		if f.Name == name {
			if f.UncompressedSize64 > maxBytes {
				return nil, fmt.Errorf("%s is larger than %d MiB", name, maxBytes>>20)
			}
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			return struct {
				io.Reader
				io.Closer
			}{io.LimitReader(rc, maxBytes), rc}, nil
		}
	}
	return nil, nil
}

// decodePart decodes the XML part at name into v; a missing part leaves v as it is.
func (wb *workbook) decodePart(name string, v any) (bool, error) {
	rc, err := wb.open(name)
	if err != nil || rc == nil {
		return false, err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return true, fmt.Errorf("%s: %w", name, err)
	}
	return true, nil
}

type sheetRef struct{ name, part string }

// sheetParts lists the worksheets in workbook order with the part each is stored in.
func (wb *workbook) sheetParts() ([]sheetRef, error) {
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	ok, err := wb.decodePart("xl/workbook.xml", &book)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("no xl/workbook.xml: not an .xlsx workbook")
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if _, err := wb.decodePart("xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	target := map[string]string{}
	for _, r := range rels.Rel {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		target[r.ID] = t
	}
	var out []sheetRef
	for _, s := range book.Sheets {
		if p, ok := target[s.RID]; ok {
			out = append(out, sheetRef{name: s.Name, part: p})
		}
	}
	return out, nil
}

// sharedStrings reads the workbook's string table; rich text runs are joined, phonetic
// guides left out.
func (wb *workbook) sharedStrings() ([]string, error) {
	var sst struct {
		SI []stringItem `xml:"si"`
	}
	if _, err := wb.decodePart("xl/sharedStrings.xml", &sst); err != nil {
		return nil, err
	}
	out := make([]string, len(sst.SI))
	for i, si := range sst.SI {
		out[i] = si.text()
	}
	return out, nil
}

// stringItem is a shared or inline string: plain (<t>) or rich text (<r><t>).
type stringItem struct {
	T string `xml:"t"`
	R []struct {
		T string `xml:"t"`
	} `xml:"r"`
}

func (si stringItem) text() string {
	if len(si.R) == 0 {
		return si.T
	}
	var b strings.Builder
	for _, r := range si.R {
		b.WriteString(r.T)
	}
	return b.String()
}

// cellStyles reads, for each cell style, whether its number format shows a time, a date or
// a plain number.
func (wb *workbook) cellStyles() ([]Kind, error) {
	var st struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if _, err := wb.decodePart("xl/styles.xml", &st); err != nil {
		return nil, err
	}
	custom := map[int]string{}
	for _, f := range st.NumFmts {
		custom[f.ID] = f.Code
	}
	out := make([]Kind, len(st.Xfs))
	for i, xf := range st.Xfs {
		out[i] = formatKind(xf.NumFmtID, custom[xf.NumFmtID])
	}
	return out, nil
}

// formatKind classifies a number format: built-in ids 18–21 and 45–47 are times, 14–17 and
// 22 dates; a custom format code is a time when it has hours, minutes or seconds and no day,
// month or year (outside quoted text and [colour] sections; [h] counts as hours).
func formatKind(id int, code string) Kind {
	switch {
	case id >= 18 && id <= 21, id >= 45 && id <= 47:
		return Duration
	case id >= 14 && id <= 17, id == 22:
		return DateTime
	case code == "":
		return Number
	}
	var b strings.Builder
	quoted := false
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\\' || c == '_' || c == '*':
			i++ // an escaped or padding character
		case c == '[':
			end := strings.IndexByte(code[i:], ']')
			if end < 0 {
				return Number
			}
			inner := strings.ToLower(code[i+1 : i+end])
			if strings.Trim(inner, "hms") == "" {
				b.WriteString(inner)
			}
			i += end
		default:
			b.WriteByte(c | 0x20) // lower case for letters
		}
	}
	s := b.String()
	hasTime := strings.ContainsAny(s, "hs") || strings.Contains(s, ":")
	hasDate := strings.ContainsAny(s, "dy") || (strings.Contains(s, "m") && !hasTime)
	switch {
	case hasDate:
		return DateTime
	case hasTime:
		return Duration
	}
	return Number
}

// sheet reads one worksheet's cells, placed by their references (A1, C7).
func (wb *workbook) sheet(part string) (Table, error) {
	rc, err := wb.open(part)
	if err != nil {
		return Table{}, err
	}
	if rc == nil {
		return Table{}, fmt.Errorf("the workbook lacks %s", part)
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var t Table
	row, col := 0, 0 // where a cell without a reference goes: after the previous one
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		if err != nil {
			return t, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "row":
			row, col = row+1, 0
			for _, a := range se.Attr {
				if a.Name.Local == "r" {
					if n, err := strconv.Atoi(a.Value); err == nil && n > 0 {
						row = n
					}
				}
			}
		case "c":
			var c xmlCell
			if err := dec.DecodeElement(&c, &se); err != nil {
				return t, err
			}
			col++
			if c.Ref != "" {
				var ok bool
				if col, row, ok = parseRef(c.Ref); !ok {
					return t, fmt.Errorf("cell reference %q is not like B7", c.Ref)
				}
			}
			if err := wb.place(&t, col, row, wb.cell(c)); err != nil {
				return t, err
			}
		}
	}
}

// xmlCell is a <c> element of a worksheet.
type xmlCell struct {
	Ref    string     `xml:"r,attr"`
	Type   string     `xml:"t,attr"`
	Style  int        `xml:"s,attr"`
	Value  string     `xml:"v"`
	Inline stringItem `xml:"is"`
}

// place puts a cell into t at column col, row row (1-based). Empty cells (formatting only,
// often far below the data) are not placed.
func (wb *workbook) place(t *Table, col, row int, c Cell) error {
	if c.Kind == Empty {
		return nil
	}
	if row < 1 || col < 1 || row > MaxRows || col > MaxCols {
		return fmt.Errorf("cell %s%d is past row %d or column %d: is it the right sheet?", ColumnName(col), row, MaxRows, MaxCols)
	}
	for len(t.Rows) < row {
		t.Rows = append(t.Rows, nil)
	}
	r := t.Rows[row-1]
	for len(r) < col {
		r = append(r, Cell{})
	}
	r[col-1] = c
	t.Rows[row-1] = r
	return nil
}

// cell turns a <c> into a Cell.
func (wb *workbook) cell(c xmlCell) Cell {
	switch c.Type {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(c.Value))
		if err != nil || i < 0 || i >= len(wb.strings) {
			return Cell{}
		}
		return TextCell(wb.strings[i])
	case "inlineStr":
		return TextCell(c.Inline.text())
	case "str", "e":
		return TextCell(c.Value)
	case "b":
		return Cell{Text: map[bool]string{true: "TRUE", false: "FALSE"}[c.Value == "1"], Number: boolNum(c.Value == "1"), Kind: Bool}
	}
	v := strings.TrimSpace(c.Value)
	if v == "" {
		return Cell{}
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return TextCell(v)
	}
	kind := Number
	if c.Style >= 0 && c.Style < len(wb.styles) {
		kind = wb.styles[c.Style]
	}
	return Cell{Text: v, Number: f, Kind: kind}
}

func boolNum(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// parseRef reads a cell reference like "C7" as column 3, row 7.
func parseRef(ref string) (col, row int, ok bool) {
	i := 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		if col > 1<<20 {
			return 0, 0, false
		}
		i++
	}
	row, err := strconv.Atoi(ref[i:])
	if i == 0 || err != nil || row < 1 {
		return 0, 0, false
	}
	return col, row, true
}
