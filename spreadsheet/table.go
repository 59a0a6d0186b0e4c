// Package spreadsheet reads and writes the tables a team keeps its runsheet in: CSV (comma,
// semicolon or tab, with or without a UTF-8 BOM) and Excel .xlsx workbooks. It knows cells,
// rows and sheets, nothing about checkpoints.
//
// The .xlsx support is written here on archive/zip and encoding/xml rather than taken from a
// spreadsheet library: the one of that field (excelize) alone costs about a minute of CPU on
// an empty build cache, which every newcomer's first `go run . demo` would pay. The tests
// check this package against excelize, both ways.
package spreadsheet

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"time"
)

// Kind says what a cell holds.
type Kind int

// The kinds of cell.
const (
	Empty    Kind = iota
	Text          // a string
	Number        // a plain number
	Duration      // a number of days shown as a time of day or duration (h:mm, [h]:mm:ss)
	DateTime      // a date and time: days since 1899-12-30 (the spreadsheet epoch)
	Bool          // TRUE or FALSE
)

// Cell is one cell. Text is what the cell shows as text (for a number, the number as
// stored); Number is the value of a numeric cell (Number, Duration, DateTime, Bool).
type Cell struct {
	Text   string
	Number float64
	Kind   Kind
	// Highlight asks a writer to draw attention to the cell (an overrun). Readers ignore it.
	Highlight bool
}

// Table is one sheet: its name and its rows, top to bottom. Rows[0] is the sheet's row 1;
// an empty row is an empty slice, so that row numbers stay those the sheet program shows.
type Table struct {
	Name string
	Rows [][]Cell
}

// Limits keep a hostile or mistaken file from taking the process's memory.
const (
	MaxRows  = 20_000
	MaxCols  = 256
	maxBytes = 64 << 20 // the most read of one file or one part of a workbook
)

// TextCell is a cell holding s ("" is an empty cell).
func TextCell(s string) Cell {
	if s == "" {
		return Cell{}
	}
	return Cell{Text: s, Kind: Text}
}

// DurationCell is a cell holding d as a spreadsheet duration.
func DurationCell(d time.Duration) Cell {
	return Cell{Text: d.String(), Number: d.Seconds() / 86400, Kind: Duration}
}

// TimeCell is a cell holding t (in t's own location) as a spreadsheet date and time; the zero
// time is an empty cell.
func TimeCell(t time.Time) Cell {
	if t.IsZero() {
		return Cell{}
	}
	return Cell{Text: t.Format(time.RFC3339), Number: serial(t), Kind: DateTime}
}

// AsDuration returns a Duration cell's value as a time.Duration, rounded to the second.
func (c Cell) AsDuration() time.Duration {
	return time.Duration(math.Round(c.Number*86400)) * time.Second
}

// epoch is day 0 of spreadsheet date serials (1900 date system, after Lotus's leap-year bug).
var epoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serial is t as days since the epoch, reading t's wall clock in its own location.
func serial(t time.Time) float64 {
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	return wall.Sub(epoch).Seconds() / 86400
}

// Read reads every sheet of the file at path: one table for a CSV file, one per sheet, in
// the workbook's order, for an .xlsx file.
func Read(path string) ([]Table, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".tsv", ".txt":
		t, err := readCSVFile(path)
		if err != nil {
			return nil, err
		}
		return []Table{t}, nil
	case ".xlsx", ".xlsm":
		return readXLSXFile(path)
	case ".xls", ".ods", ".numbers":
		return nil, fmt.Errorf("%s: this format is not read: save the sheet as .xlsx or .csv", filepath.Base(path))
	}
	return nil, fmt.Errorf("%s: not a spreadsheet warroom reads: use a .csv or .xlsx file", filepath.Base(path))
}

// Write writes t to path as CSV or .xlsx, by path's extension.
func Write(path string, t Table) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return writeCSVFile(path, t)
	case ".xlsx":
		return writeXLSXFile(path, t)
	}
	return fmt.Errorf("%s: write a .csv or .xlsx file", filepath.Base(path))
}

// ColumnName is column n (1-based) as a sheet program names it: 1 → A, 27 → AA.
func ColumnName(n int) string {
	var b []byte
	for n > 0 {
		n--
		b = append([]byte{byte('A' + n%26)}, b...)
		n /= 26
	}
	return string(b)
}
