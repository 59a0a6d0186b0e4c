package spreadsheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The cell styles writeXLSX declares in styles.xml, by index.
const (
	styleNormal = iota
	styleHeader
	styleDuration
	styleDateTime
	styleHighlight // text or number, highlighted
	styleDurationHighlight
	styleDateTimeHighlight
)

const stylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="[h]:mm:ss"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>
<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><color rgb="FF9C0006"/><name val="Calibri"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="7">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="2" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>
<xf numFmtId="164" fontId="2" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1"/>
<xf numFmtId="165" fontId="2" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>`

// writeXLSXFile writes t as a one-sheet workbook: row 1 in bold and frozen, durations and
// times as real spreadsheet values with their formats, highlighted cells in red on pink.
func writeXLSXFile(name string, t Table) error {
	data, err := XLSX(t)
	if err != nil {
		return err
	}
	return writeFileAtomic(name, data)
}

// XLSX returns t as the bytes of an .xlsx workbook of one sheet.
func XLSX(t Table) ([]byte, error) {
	sheetName := t.Name
	if sheetName == "" {
		sheetName = "Sheet1"
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="` + attr(cutSheetName(sheetName)) + `" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`},
		{"xl/styles.xml", stylesXML},
		{"xl/worksheets/sheet1.xml", worksheetXML(t)},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// worksheetXML is the sheet part: a frozen header row, column widths fitted to the text,
// and the cells.
func worksheetXML(t Table) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	b.WriteString(`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>`)
	if widths := columnWidths(t); len(widths) > 0 {
		b.WriteString("<cols>")
		for i, w := range widths {
			fmt.Fprintf(&b, `<col min="%d" max="%d" width="%d" customWidth="1"/>`, i+1, i+1, w)
		}
		b.WriteString("</cols>")
	}
	b.WriteString("<sheetData>")
	for r, row := range t.Rows {
		fmt.Fprintf(&b, `<row r="%d">`, r+1)
		for c, cell := range row {
			writeCell(&b, ColumnName(c+1)+strconv.Itoa(r+1), cell, r == 0)
		}
		b.WriteString("</row>")
	}
	b.WriteString("</sheetData></worksheet>")
	return b.String()
}

// writeCell writes one <c> element; row 1 is the header, in bold.
func writeCell(b *strings.Builder, ref string, c Cell, header bool) {
	style := styleNormal
	switch {
	case header:
		style = styleHeader
	case c.Kind == Duration && c.Highlight:
		style = styleDurationHighlight
	case c.Kind == Duration:
		style = styleDuration
	case c.Kind == DateTime && c.Highlight:
		style = styleDateTimeHighlight
	case c.Kind == DateTime:
		style = styleDateTime
	case c.Highlight:
		style = styleHighlight
	}
	switch c.Kind {
	case Empty:
		if style != styleNormal {
			fmt.Fprintf(b, `<c r="%s" s="%d"/>`, ref, style)
		}
	case Number, Duration, DateTime:
		fmt.Fprintf(b, `<c r="%s" s="%d"><v>%s</v></c>`, ref, style, strconv.FormatFloat(c.Number, 'g', -1, 64))
	case Bool:
		fmt.Fprintf(b, `<c r="%s" s="%d" t="b"><v>%d</v></c>`, ref, style, int(c.Number))
	default:
		fmt.Fprintf(b, `<c r="%s" s="%d" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>`, ref, style, text(c.Text))
	}
}

// columnWidths fits each column to its longest line, within 8 to 60 characters.
func columnWidths(t Table) []int {
	var w []int
	for _, row := range t.Rows {
		for i, c := range row {
			for len(w) <= i {
				w = append(w, 8)
			}
			n := 10 // numbers, durations and times
			if c.Kind == Text || c.Kind == Empty {
				n = 0
				for _, line := range strings.Split(c.Text, "\n") {
					n = max(n, utf8.RuneCountInString(line))
				}
			}
			if c.Kind == DateTime {
				n = 19
			}
			w[i] = min(max(w[i], n+2), 60)
		}
	}
	return w
}

// text escapes s for XML character data, dropping what XML cannot carry.
func text(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(strings.Map(xmlChar, s)))
	return b.String()
}

// attr escapes s for an XML attribute.
func attr(s string) string { return text(s) }

// xmlChar drops the characters XML 1.0 does not allow (C0 controls but tab, CR and LF).
func xmlChar(r rune) rune {
	if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
		return -1
	}
	return r
}

// cutSheetName keeps a sheet name within Excel's rules: 31 characters, none of []:*?/\.
func cutSheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}
